using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>
/// /mock/control/contracts: look at a contract, and sign or terminate it as the payer (loopback callers only). The
/// optional <c>merchant_id</c> query parameter picks the merchant when several use the contract_code.
/// </summary>
internal static class ContractControlEndpoints
{
    public sealed record SignAnswer(ContractSignOutcome Outcome, SimulatorContract Contract);

    public sealed record TerminateAnswer(ContractTerminateOutcome Outcome, SimulatorContract Contract);

    public static void Map(IEndpointRouteBuilder app)
    {
        var control = ControlEndpoints.MapLoopbackGroup(app, "/mock/control/contracts");

        control.MapGet("/{contractCode}", (string contractCode, string? merchant_id, ContractControl c) =>
            c.Find(contractCode, merchant_id) is { } contract ? Results.Ok(contract) : Results.NotFound());

        control.MapPost("/{contractCode}/sign", (string contractCode, string? merchant_id, ContractControl c) =>
        {
            if (c.Find(contractCode, merchant_id) is not { } found)
            {
                return Results.NotFound();
            }
            var (outcome, contract) = c.Sign(found.ContractCode, found.MerchantId);
            return Results.Json(new SignAnswer(outcome, contract), statusCode: outcome == ContractSignOutcome.NotSignable ? 409 : 200);
        });

        control.MapPost("/{contractCode}/terminate", (string contractCode, string? merchant_id, ContractControl c) =>
        {
            if (c.Find(contractCode, merchant_id) is not { } found)
            {
                return Results.NotFound();
            }
            var (outcome, contract) = c.TerminateAsPayer(found.ContractCode, found.MerchantId);
            return Results.Ok(new TerminateAnswer(outcome, contract));
        });

        control.MapPost("/{contractCode}/callback", async (string contractCode, string? merchant_id, ContractControl c, CancellationToken ct) =>
            c.Find(contractCode, merchant_id) is { } found ? Results.Ok(await c.SendCallbackAsync(found.ContractCode, found.MerchantId, ct)) : Results.NotFound());
    }
}
