using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Payments;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>
/// POST /mock/v1/transfers and GET /mock/v1/transfers/{out_transfer_no}. Records name the out_transfer_no as
/// out_trade_no and the transfer_no as trade_no; behaviours are set for the out_transfer_no (or globally).
/// </summary>
internal sealed class TransferApi(MockApiGate gate, TransferStore transfers, BehaviourRegistry behaviours, FundsOperations operations)
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/mock/v1/transfers", (HttpContext c, TransferApi api) => api.TransferAsync(c));
        app.MapGet("/mock/v1/transfers/{outTransferNo}", (HttpContext c, string outTransferNo, TransferApi api) => api.QueryAsync(c, outTransferNo));
    }

    public async Task TransferAsync(HttpContext context)
    {
        var call = await gate.BeginAsync(context, RecordKind.TransferRequest, null);
        if (call is null)
        {
            return;
        }
        var body = FundsRequestValidator.Parse<TransferRequestBody>(call.Request.Body);
        var invalid = body is null ? "Body is not a JSON object of the documented shape." : FundsRequestValidator.Validate(body);
        if (body is null || invalid is not null)
        {
            await call.ReplyAsync(400, new ErrorBody("INVALID_REQUEST", invalid!), "INVALID_REQUEST", body?.OutTransferNo, body?.Amount, body?.Currency);
            return;
        }
        call.Behaviour = behaviours.Resolve(body.OutTransferNo, SimulatorOperation.Transfer);
        if (!await call.ApplyDelayAndFailAsync(body.OutTransferNo, body.Amount, body.Currency))
        {
            return;
        }

        var (outcome, transfer) = operations.Transfer(new NewTransfer(
            call.MerchantId, body.OutTransferNo!, body.PayeeType!, body.PayeeAccount!, body.PayeeName, body.Amount!.Value, body.Currency!, body.Remark));
        if (outcome == TransferOutcome.Conflict)
        {
            await call.ReplyAsync(409, new ErrorBody("OUT_TRANSFER_NO_CONFLICT", "out_transfer_no already used for another payee or amount."),
                "OUT_TRANSFER_NO_CONFLICT", body.OutTransferNo, body.Amount, body.Currency, transfer.TransferNo);
            return;
        }
        await call.ReplyAsync(200, View(transfer), transfer.Status, transfer.OutTransferNo, transfer.Amount, transfer.Currency, transfer.TransferNo);
    }

    public async Task QueryAsync(HttpContext context, string outTransferNo)
    {
        var call = await gate.BeginAsync(context, RecordKind.TransferQuery, outTransferNo);
        if (call is null)
        {
            return;
        }
        call.Behaviour = behaviours.Resolve(outTransferNo, SimulatorOperation.TransferQuery);
        if (!await call.ApplyDelayAndFailAsync(outTransferNo, null, null))
        {
            return;
        }
        if (transfers.Find(call.MerchantId, outTransferNo) is not { } transfer)
        {
            await call.ReplyAsync(404, new ErrorBody("TRANSFER_NOT_FOUND", "No such out_transfer_no."), "TRANSFER_NOT_FOUND", outTransferNo);
            return;
        }
        await call.ReplyAsync(200, View(transfer), transfer.Status, transfer.OutTransferNo, transfer.Amount, transfer.Currency, transfer.TransferNo);
    }

    public static TransferView View(SimulatorTransfer t) =>
        new(t.OutTransferNo, t.TransferNo, t.MerchantId, t.Amount, t.Currency, t.Status, t.FailReason, t.SucceededAt);
}
