using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Endpoints;
using PayGateway.ChannelSimulator.Records;

namespace PayGateway.ChannelSimulator.UnionPay;

/// <summary>
/// One authenticated ACP call. Server-to-server endpoints answer HTTP 200 with a raw, signed <c>k=v&amp;…</c> string
/// (errors included); frontTransReq, reached by the payer's browser, answers with a redirect to the cashier or an
/// HTML error page.
/// </summary>
internal sealed class UnionPayApiCall(HttpContext context, UnionPayRequest request, string kind, RecordLog records, UnionPayKeys keys, CancellationToken stopping)
    : ApiCall(context, request.MerId, kind, records, stopping)
{
    public sealed record Redirect(string Url);

    public UnionPayRequest Request { get; } = request;

    public HttpRequest HttpRequest => Context.Request;

    protected override (int Status, object Body, string Result) FailureAnswer(SimulatorFailure failure) =>
        (200, UnionPayAnswers.Error(Request, failure.Code, failure.Message ?? "Configured failure."), failure.Code);

    protected override Task WriteAnswerAsync(int status, object body)
    {
        switch (body)
        {
            case Redirect redirect:
                Context.Response.Redirect(redirect.Url);
                return Task.CompletedTask;
            case List<KeyValuePair<string, string>> fields when Request.IsBrowser:
                return UnionPayAnswers.WriteErrorPageAsync(Context, fields);
            case List<KeyValuePair<string, string>> fields:
                return UnionPayAnswers.WriteRawAsync(Context, keys.Signed(fields, Behaviour.BadSignature));
            default:
                throw new InvalidOperationException($"Unexpected answer {body.GetType().Name}.");
        }
    }
}

/// <summary>How ACP answers are put together and written.</summary>
internal static class UnionPayAnswers
{
    /// <summary>The echo fields every answer carries, plus respCode and respMsg.</summary>
    public static List<KeyValuePair<string, string>> Base(UnionPayRequest request, string respCode, string respMsg)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("version", "5.1.0"),
            new("encoding", request.Field("encoding") ?? "UTF-8"),
            new("signMethod", "01"),
            new("txnType", request.Field("txnType") ?? ""),
            new("txnSubType", request.Field("txnSubType") ?? ""),
            new("bizType", request.Field("bizType") ?? ""),
            new("accessType", request.Field("accessType") ?? ""),
            new("merId", request.MerId),
            new("orderId", request.Field("orderId") ?? ""),
            new("txnTime", request.Field("txnTime") ?? ""),
            new("respCode", respCode),
            new("respMsg", respMsg),
        };
        return fields;
    }

    public static List<KeyValuePair<string, string>> Error(UnionPayRequest request, string respCode, string respMsg) => Base(request, respCode, respMsg);

    public static async Task WriteRawAsync(HttpContext context, IEnumerable<KeyValuePair<string, string>> signed)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain;charset=UTF-8";
        await context.Response.WriteAsync(UnionPayWire.RawAnswer(signed), Encoding.UTF8);
    }

    public static async Task WriteErrorPageAsync(HttpContext context, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var values = fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        context.Response.StatusCode = 400;
        context.Response.ContentType = "text/html; charset=utf-8";
        var text = System.Net.WebUtility.HtmlEncode($"{values.GetValueOrDefault("respCode")} {values.GetValueOrDefault("respMsg")}");
        await context.Response.WriteAsync($"<!DOCTYPE html><html><body><h1>UnionPay (simulator)</h1><p id=\"error\">{text}</p></body></html>", Encoding.UTF8);
    }
}
