using System.Globalization;
using System.Net;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>
/// The payer's sign page: GET /mock/contract-sign/{contract_id} shows the contract's terms and, while it is PENDING, a
/// Sign button (<c>id="sign"</c>); POST …/sign signs it as the payer would (contract.signed notification in the background).
/// </summary>
internal static class ContractSignPage
{
    public const string PathBase = "/mock/contract-sign";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(PathBase + "/{contractId}", (string contractId, ContractStore store) =>
            store.FindByContractId(contractId) is { } contract ? Html(200, Render(contract, null)) : Html(404, NotFound(contractId)));

        app.MapPost(PathBase + "/{contractId}/sign", (string contractId, ContractStore store, ContractOperations operations) =>
        {
            if (store.FindByContractId(contractId) is not { } found)
            {
                return Html(404, NotFound(contractId));
            }
            var (outcome, contract) = operations.Sign(found.MerchantId, found.ContractCode);
            var notice = outcome switch
            {
                ContractSignOutcome.Signed => "Contract signed.",
                ContractSignOutcome.AlreadySigned => "This contract is already signed.",
                _ => "This contract can no longer be signed.",
            };
            return Html(outcome == ContractSignOutcome.NotSignable ? 409 : 200, Render(contract, notice));
        });
    }

    private static string Render(SimulatorContract contract, string? notice)
    {
        static string e(string? value) => WebUtility.HtmlEncode(value) ?? "";
        var sign = contract.Status == MockContractStatus.Pending
            ? $"""<form method="post" action="{PathBase}/{e(Uri.EscapeDataString(contract.ContractId))}/sign"><button type="submit" id="sign">Sign</button></form>"""
            : "";
        var back = contract.Status == MockContractStatus.Signed && contract.ReturnUrl is not null
            ? $"""<p><a id="return" href="{e(contract.ReturnUrl)}">Return to merchant</a></p>"""
            : "";
        var limit = contract.AmountPerDeduction.ToString(CultureInfo.InvariantCulture);
        var max = contract.MaxDeductions?.ToString(CultureInfo.InvariantCulture) ?? "no limit";
        var every = contract.PeriodEvery.ToString(CultureInfo.InvariantCulture);
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Mock contract</title></head>
            <body>
            <h1>Mock contract</h1>
            {(notice is null ? "" : $"<p id=\"notice\">{e(notice)}</p>")}
            <dl>
            <dt>Merchant</dt><dd id="merchant">{e(contract.MerchantId)}</dd>
            <dt>Contract</dt><dd id="contract-code">{e(contract.ContractCode)}</dd>
            <dt>Account</dt><dd id="display-account">{e(contract.DisplayAccount)}</dd>
            <dt>At most per deduction (minor units)</dt><dd id="amount-per-deduction">{e(limit)} {e(contract.Currency)}</dd>
            <dt>Deductions</dt><dd id="max-deductions">{e(max)}</dd>
            <dt>Every</dt><dd id="period">{e(every)} {e(contract.PeriodUnit)} from {e(contract.FirstDeductionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}</dd>
            <dt>Status</dt><dd id="status">{e(contract.Status)}</dd>
            </dl>
            {sign}
            {back}
            </body>
            </html>
            """;
    }

    private static string NotFound(string contractId) =>
        $"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Mock contract</title></head><body><p id="notice">No contract {WebUtility.HtmlEncode(contractId)}.</p></body></html>""";

    private static IResult Html(int status, string html) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
