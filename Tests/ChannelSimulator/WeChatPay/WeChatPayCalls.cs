using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// Starts every WeChat Pay API call: authenticates the request, and answers and records a refusal itself. Shared by
/// the payment, refund and transfer endpoints.
/// </summary>
internal sealed class WeChatPayCalls(
    WeChatPayMerchants merchants,
    RecordLog records,
    WeChatPayResponder responder,
    SimulatorOptions options,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    /// <summary>The authenticated call, or null when the request was refused (already answered and recorded).</summary>
    public async Task<(WeChatPayApiCall Call, WeChatPayMerchant Merchant)?> BeginAsync(HttpContext context, string kind, string? outTradeNo)
    {
        var (caller, refusal) = await WeChatPayAuthenticator.ReadAsync(context, merchants, time, options.WeChatPay.MaxClockSkew);
        if (refusal is not null)
        {
            records.Add(kind, refusal.MchId ?? "", outTradeNo, null, null, null, refusal.Status, refusal.Code);
            await responder.WriteAsync(context, refusal.Status, new ErrorBody(refusal.Code, refusal.Message), SimulatorBehaviour.None);
            return null;
        }
        return (new WeChatPayApiCall(context, caller!, kind, records, responder, lifetime.ApplicationStopping), caller!.Merchant);
    }
}

/// <summary>A WeChat Pay call: answers signed with the platform key, configured failures as signed <c>{"code","message"}</c>.</summary>
internal sealed class WeChatPayApiCall(HttpContext context, WeChatPayCaller caller, string kind, RecordLog records, WeChatPayResponder responder, CancellationToken stopping)
    : ApiCall(context, caller.Merchant.MchId, kind, records, stopping)
{
    /// <summary>The raw request body, as authenticated.</summary>
    public byte[] Body { get; } = caller.Body;

    protected override (int Status, object Body, string Result) FailureAnswer(SimulatorFailure failure) =>
        (failure.HttpStatus, new ErrorBody(failure.Code, failure.Message ?? "Configured failure."), failure.Code);

    protected override Task WriteAnswerAsync(int status, object body) => responder.WriteAsync(Context, status, body, Behaviour);
}
