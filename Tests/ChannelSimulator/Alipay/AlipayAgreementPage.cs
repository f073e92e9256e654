using System.Globalization;
using System.Net;

namespace PayGateway.ChannelSimulator.Alipay;

/// <summary>
/// The payer's sign page at <c>/alipay/agreement/{agreement_no}</c>, where page.sign redirects: the agreement's terms
/// and a Sign button while it waits for the payer (TEMP). Signing sends the dut_user_sign notify.
/// </summary>
internal static class AlipayAgreementPage
{
    public const string PathBase = "/alipay/agreement";

    public static string Url(HttpRequest request, string agreementNo) => $"{request.Scheme}://{request.Host}{PathBase}/{Uri.EscapeDataString(agreementNo)}";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(PathBase + "/{agreementNo}", (string agreementNo, AlipayAgreementStore store) =>
            store.FindByNumber(agreementNo) is { } agreement ? Html(200, Render(agreement, null)) : Html(404, NotFound(agreementNo)));

        app.MapPost(PathBase + "/{agreementNo}/sign", (string agreementNo, AlipayAgreementPayer payer) =>
        {
            var (outcome, agreement) = payer.Sign(agreementNo);
            return outcome switch
            {
                AgreementChangeOutcome.NotFound => Html(404, NotFound(agreementNo)),
                AgreementChangeOutcome.Changed => Html(200, Render(agreement!, "Agreement signed.")),
                AgreementChangeOutcome.AlreadyDone => Html(200, Render(agreement!, "This agreement is already signed.")),
                _ => Html(409, Render(agreement!, "This agreement can no longer be signed.")),
            };
        });
    }

    private static string Render(AlipayAgreement agreement, string? notice)
    {
        static string e(string? value) => WebUtility.HtmlEncode(value) ?? "";
        var sign = agreement.Status == AlipayAgreementStatus.Temp
            ? $"""<form method="post" action="{PathBase}/{e(Uri.EscapeDataString(agreement.AgreementNo))}/sign"><button type="submit" id="sign">Sign</button></form>"""
            : "";
        var back = agreement.Status == AlipayAgreementStatus.Normal && agreement.ReturnUrl is { Length: > 0 } returnUrl
            ? $"""<p><a id="return" href="{e(returnUrl)}">Return to merchant</a></p>"""
            : "";
        var schedule = agreement.PeriodRule is { } rule
            ? $"""
                <dt>Every</dt><dd id="period">{rule.Period.ToString(CultureInfo.InvariantCulture)} {e(rule.PeriodType)}</dd>
                <dt>First deduction</dt><dd id="execute-time">{rule.ExecuteDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}</dd>
                <dt>At most per deduction</dt><dd id="single-amount">{e(AlipayWire.Yuan(rule.SingleAmount))} CNY</dd>
                """
            : "";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Alipay agreement (simulator)</title></head>
            <body>
            <h1>Alipay agreement (simulator)</h1>
            {(notice is null ? "" : $"<p id=\"notice\">{e(notice)}</p>")}
            <dl>
            <dt>Merchant</dt><dd id="merchant">{e(agreement.AppId)}</dd>
            <dt>Merchant agreement</dt><dd id="external-agreement-no">{e(agreement.ExternalAgreementNo)}</dd>
            <dt>Agreement</dt><dd id="agreement-no">{e(agreement.AgreementNo)}</dd>
            <dt>Product</dt><dd id="product-code">{e(agreement.ProductCode)}</dd>
            <dt>Account</dt><dd id="external-logon-id">{e(agreement.ExternalLogonId)}</dd>
            {schedule}
            <dt>Status</dt><dd id="status">{e(agreement.Status)}</dd>
            </dl>
            {sign}
            {back}
            </body>
            </html>
            """;
    }

    private static string NotFound(string agreementNo) =>
        $"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Alipay agreement (simulator)</title></head><body><p id="notice">No agreement {WebUtility.HtmlEncode(agreementNo)}.</p></body></html>""";

    private static IResult Html(int status, string html) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
