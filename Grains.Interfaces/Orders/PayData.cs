namespace PayGateway;

/// <summary>
/// What the payer needs to pay: a QR code's content, a URL to redirect to, an HTML form to submit, or app SDK
/// parameters. Kind is one of <c>qr_code</c>, <c>redirect_url</c>, <c>form</c>, <c>app_params</c>, <c>none</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.PayData")]
public sealed record PayData(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Content);
