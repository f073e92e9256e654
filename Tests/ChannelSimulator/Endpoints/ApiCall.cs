using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>One authenticated API call: applies delay/fail/timeout behaviour, records the call and answers it signed.</summary>
internal sealed class ApiCall(HttpContext context, ApiRequest request, string kind, RecordLog records, TimeProvider time, CancellationToken stopping)
{
    public ApiRequest Request { get; } = request;

    public SimulatorBehaviour Behaviour { get; set; } = SimulatorBehaviour.None;

    /// <summary>Waits <c>delay_ms</c>, then answers the configured failure if any. False when the call was answered.</summary>
    public async Task<bool> ApplyDelayAndFailAsync(string? outTradeNo, long? amount, string? currency)
    {
        if (Behaviour.DelayMs > 0)
        {
            // Deliberately not the request's abort token: a slow channel still does the work after the client left.
            await Task.Delay(Behaviour.DelayMs, stopping);
        }
        if (Behaviour.Fail is not { } fail)
        {
            return true;
        }
        await WriteAsync(fail.HttpStatus, new ErrorBody(fail.Code, fail.Message ?? "Configured failure."), fail.Code, outTradeNo, null, amount, currency, hang: false);
        return false;
    }

    public Task ReplyAsync(int status, object body, string result, SimulatorTrade trade) =>
        WriteAsync(status, body, result, trade.OutTradeNo, trade.TradeNo, trade.Amount, trade.Currency, Behaviour.TimeoutAfterCharge);

    public Task ReplyAsync(int status, object body, string result, string? outTradeNo, long? amount = null, string? currency = null, string? tradeNo = null) =>
        WriteAsync(status, body, result, outTradeNo, tradeNo, amount, currency, Behaviour.TimeoutAfterCharge);

    private async Task WriteAsync(int status, object body, string result, string? outTradeNo, string? tradeNo, long? amount, string? currency, bool hang)
    {
        if (hang)
        {
            records.Add(kind, Request.MerchantId, outTradeNo, tradeNo, amount, currency, 0, result);
            await HangAsync();
            return;
        }
        records.Add(kind, Request.MerchantId, outTradeNo, tradeNo, amount, currency, status, result);
        await SignedResponse.WriteAsync(context, time, status, body, Request.MerchantId, Request.Key, Behaviour.BadSignature);
    }

    // Never answers: returns when the client gives up, and drops the connection when the simulator stops.
    private async Task HangAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, linked.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }
}
