using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>
/// One authenticated API call, whatever the protocol: applies delay/fail/timeout behaviour, records the call and
/// answers it. Protocols supply how an answer is written and signed, and what a configured failure looks like.
/// </summary>
internal abstract class ApiCall(HttpContext context, string merchantId, string kind, RecordLog records, CancellationToken stopping)
{
    protected HttpContext Context { get; } = context;

    /// <summary>The authenticated caller: mock <c>merchant_id</c>, Alipay <c>app_id</c>.</summary>
    public string MerchantId { get; } = merchantId;

    public SimulatorBehaviour Behaviour { get; set; } = SimulatorBehaviour.None;

    /// <summary>Waits <c>delay_ms</c>, then answers the configured failure if any. False when the call was answered.</summary>
    public async Task<bool> ApplyDelayAndFailAsync(string? outTradeNo, long? amount, string? currency, string? tradeNo = null)
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
        var (status, body, result) = FailureAnswer(fail);
        await WriteAsync(status, body, result, outTradeNo, tradeNo, amount, currency, hang: false);
        return false;
    }

    public Task ReplyAsync(int status, object body, string result, SimulatorTrade trade) =>
        WriteAsync(status, body, result, trade.OutTradeNo, trade.TradeNo, trade.Amount, trade.Currency, Behaviour.TimeoutAfterCharge);

    public Task ReplyAsync(int status, object body, string result, string? outTradeNo, long? amount = null, string? currency = null, string? tradeNo = null) =>
        WriteAsync(status, body, result, outTradeNo, tradeNo, amount, currency, Behaviour.TimeoutAfterCharge);

    /// <summary>The answer (status, body, recorded result) for a configured <c>fail</c> behaviour.</summary>
    protected abstract (int Status, object Body, string Result) FailureAnswer(SimulatorFailure failure);

    /// <summary>Writes and signs the answer (with a wrong key when <see cref="SimulatorBehaviour.BadSignature"/>).</summary>
    protected abstract Task WriteAnswerAsync(int status, object body);

    private async Task WriteAsync(int status, object body, string result, string? outTradeNo, string? tradeNo, long? amount, string? currency, bool hang)
    {
        if (hang)
        {
            records.Add(kind, MerchantId, outTradeNo, tradeNo, amount, currency, 0, result);
            await HangAsync();
            return;
        }
        records.Add(kind, MerchantId, outTradeNo, tradeNo, amount, currency, status, result);
        await WriteAnswerAsync(status, body);
    }

    // Never answers: returns when the client gives up, and drops the connection when the simulator stops.
    private async Task HangAsync()
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(Context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, linked.Token);
        }
        catch (OperationCanceledException)
        {
            Context.Abort();
        }
    }
}

/// <summary>A mock-protocol call: JSON answers signed with the merchant's HMAC key.</summary>
internal sealed class MockApiCall(HttpContext context, ApiRequest request, string kind, RecordLog records, TimeProvider time, CancellationToken stopping)
    : ApiCall(context, request.MerchantId, kind, records, stopping)
{
    public ApiRequest Request { get; } = request;

    protected override (int Status, object Body, string Result) FailureAnswer(SimulatorFailure failure) =>
        (failure.HttpStatus, new ErrorBody(failure.Code, failure.Message ?? "Configured failure."), failure.Code);

    protected override Task WriteAnswerAsync(int status, object body) =>
        SignedResponse.WriteAsync(Context, time, status, body, Request.MerchantId, Request.Key, Behaviour.BadSignature);
}
