using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// One authenticated gateway.do call. API methods are answered with signed JSON (always HTTP 200, errors included);
/// page methods (page.pay, wap.pay) with a redirect to the cashier, or an HTML error page (HTTP 400).
/// </summary>
internal sealed class AlipayApiCall(HttpContext context, AlipayRequest request, string kind, RecordLog records, AlipayPlatformKey key, CancellationToken stopping)
    : ApiCall(context, request.AppId, kind, records, stopping)
{
    public const string Currency = "CNY";

    private sealed record Redirect(string Url);

    public AlipayRequest Request { get; } = request;

    /// <summary>The HTTP request, for absolute links back to the simulator.</summary>
    public HttpRequest HttpRequest => Context.Request;

    public bool IsPage => AlipayMethod.IsPageMethod(Request.Method);

    public Task AnswerAsync(AlipayAnswer answer, SimulatorTrade trade) =>
        ReplyAsync(StatusOf(answer), answer, answer.Result, trade);

    public Task AnswerAsync(AlipayAnswer answer, string? outTradeNo, long? amount = null) =>
        ReplyAsync(StatusOf(answer), answer, answer.Result, outTradeNo, amount, amount is null ? null : Currency);

    /// <summary>An answer recorded under the merchant's number and the simulator's (refunds: the out_request_no; transfers: the order_id).</summary>
    public Task AnswerAsync(AlipayAnswer answer, string? outTradeNo, string? tradeNo, long? amount) =>
        ReplyAsync(StatusOf(answer), answer, answer.Result, outTradeNo, amount, amount is null ? null : Currency, tradeNo);

    /// <summary>Sends the payer's browser to <paramref name="url"/> (page methods).</summary>
    public Task RedirectAsync(string url, SimulatorTrade trade) =>
        ReplyAsync(302, new Redirect(url), AlipayTradeStatus.Of(trade), trade);

    /// <summary>Sends the payer's browser to <paramref name="url"/> for something that is not a trade (an agreement's sign page).</summary>
    public Task RedirectAsync(string url, string result, string? merchantNumber, string? channelNumber) =>
        ReplyAsync(302, new Redirect(url), result, merchantNumber, tradeNo: channelNumber);

    protected override (int Status, object Body, string Result) FailureAnswer(SimulatorFailure failure)
    {
        var answer = AlipayAnswer.Error(failure.Code, failure.SubCode, failure.Message);
        return (StatusOf(answer), answer, answer.Result);
    }

    protected override Task WriteAnswerAsync(int status, object body)
    {
        switch (body)
        {
            case Redirect redirect:
                Context.Response.Redirect(redirect.Url);
                return Task.CompletedTask;
            case AlipayAnswer answer when IsPage:
                return AlipayResponses.WriteErrorPageAsync(Context, answer.Payload);
            case AlipayAnswer answer:
                return AlipayResponses.WriteJsonAsync(Context, AlipayResponses.NodeName(Request.Method), answer.Payload, key, Behaviour.BadSignature);
            default:
                throw new InvalidOperationException($"Unexpected answer {body.GetType().Name}.");
        }
    }

    // The JSON API answers everything with 200; a browser gets a 400 page for a refusal.
    private int StatusOf(AlipayAnswer answer) => IsPage && answer.Code != AlipayCode.Success ? 400 : 200;
}
