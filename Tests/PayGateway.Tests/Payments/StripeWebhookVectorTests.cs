using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PayGateway.Merchants;
using PayGateway.Security;
using Xunit;

namespace PayGateway.Tests.Payments;

/// <summary>
/// The gateway's webhook signature (Stripe's <c>t=…,v1=…</c> layout) against Stripe's own public vector
/// (Vectors/stripe/README.md): the production signer in <see cref="MerchantAppKeys"/> must produce Stripe's literal
/// <c>v1</c>, and the merchant-side verifier the tests use must accept and refuse exactly as Stripe's does.
/// </summary>
public class StripeWebhookVectorTests
{
    private const string AppId = "app_stripe_vector";

    private static readonly JsonElement Vector = LoadVector();

    private static string Secret => Vector.GetProperty("secret").GetString()!;

    private static long Timestamp => Vector.GetProperty("timestamp").GetInt64();

    private static string Header => Vector.GetProperty("header_Stripe-Signature").GetString()!;

    private static string ExpectedV1 => HeaderPart(Header, "v1");

    /// <summary>The signed bytes exactly as stored (LF line endings, trailing newline), never re-read as text and re-encoded.</summary>
    private static byte[] Payload => File.ReadAllBytes(Path.Combine(Folder, Vector.GetProperty("payload_file").GetString()!));

    private static string PayloadText => Encoding.UTF8.GetString(Payload);

    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private static DateTimeOffset At(long secondsAfterT) => DateTimeOffset.FromUnixTimeSeconds(Timestamp + secondsAfterT);

    [Fact]
    public void Payload_AsCopied_HasTheVectorsLengthAndDigest()
    {
        Assert.Equal(Vector.GetProperty("payload_len").GetInt32(), Payload.Length);
        Assert.Equal(Vector.GetProperty("payload_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(Payload)));
    }

    // ---- the production signer (MerchantAppKeys.SignWebhook, as NotificationOutbox calls it)

    [Fact]
    public void ProductionSigner_StripeVector_ReproducesLiteralV1()
    {
        var header = Keys(Secret).SignWebhook(Payload, Timestamp);

        Assert.Equal($"t={Timestamp},v1={ExpectedV1}", header);
        Assert.Equal("2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7", ExpectedV1);
    }

    [Fact]
    public void ProductionSigner_PayloadChanged_V1NoLongerMatches()
    {
        var changed = Encoding.UTF8.GetBytes(PayloadText + "this_changes_the_json");

        var header = Keys(Secret).SignWebhook(changed, Timestamp)!;

        Assert.NotEqual(ExpectedV1, HeaderPart(header, "v1"));
    }

    [Fact]
    public void ProductionSigner_OtherSecret_V1NoLongerMatches()
    {
        var header = Keys(Secret + "x").SignWebhook(Payload, Timestamp)!;

        Assert.NotEqual(ExpectedV1, HeaderPart(header, "v1"));
    }

    [Fact]
    public void ProductionSigner_OtherTimestamp_V1NoLongerMatches()
    {
        var header = Keys(Secret).SignWebhook(Payload, Timestamp + 1)!;

        Assert.Equal((Timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), HeaderPart(header, "t"));
        Assert.NotEqual(ExpectedV1, HeaderPart(header, "v1"));
    }

    [Fact]
    public void ProductionSigner_OutputVerifiesWithTheMerchantSideVerifier()
    {
        var header = Keys(Secret).SignWebhook(Payload, Timestamp)!;

        Assert.True(WebhookSignature.Verify(header, PayloadText, Secret, Tolerance, At(100)));
    }

    // ---- the merchant-side verifier (Tests/Payments/WebhookSignature.cs), Stripe's accept/reject cases

    [Fact]
    public void Verifier_StripeHeaderWithinTolerance_Accepted()
    {
        Assert.True(WebhookSignature.Verify(Header, PayloadText, Secret, Tolerance, At(100)));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(-400)]
    public void Verifier_StripeHeaderOutsideTolerance_Rejected(long secondsAfterT)
    {
        Assert.False(WebhookSignature.Verify(Header, PayloadText, Secret, Tolerance, At(secondsAfterT)));
    }

    [Fact]
    public void Verifier_ModifiedBody_Rejected()
    {
        Assert.False(WebhookSignature.Verify(Header, PayloadText + "this_changes_the_json", Secret, Tolerance, At(100)));
    }

    [Fact]
    public void Verifier_WrongSecret_Rejected()
    {
        Assert.False(WebhookSignature.Verify(Header, PayloadText, "webhook_secret_2", Tolerance, At(100)));
    }

    [Fact]
    public void Verifier_TimestampChangedInHeader_Rejected()
    {
        var moved = Header.Replace($"t={Timestamp}", $"t={Timestamp + 1}", StringComparison.Ordinal);

        Assert.False(WebhookSignature.Verify(moved, PayloadText, Secret, Tolerance, At(100)));
    }

    [Fact]
    public void Verifier_OnlyV0Matches_Rejected()
    {
        // v0 is Stripe's legacy scheme: a verifier of v1 must not accept a header whose only match is labelled v0.
        var onlyV0 = $"t={Timestamp},v0={ExpectedV1}";

        Assert.False(WebhookSignature.Verify(onlyV0, PayloadText, Secret, Tolerance, At(100)));
    }

    [Fact]
    public void Verifier_SecondV1Matches_AcceptedForRotation()
    {
        var rotated = $"t={Timestamp},v1={new string('0', 64)},v1={ExpectedV1}";

        Assert.True(WebhookSignature.Verify(rotated, PayloadText, Secret, Tolerance, At(100)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("t")]
    [InlineData(",,")]
    [InlineData("t=,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7")]
    [InlineData("v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7")]
    [InlineData("t=1533204620")]
    [InlineData("t=1533204620,v1=zz20f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7")]
    [InlineData("t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c")]
    public void Verifier_MalformedHeader_Rejected(string header)
    {
        Assert.False(WebhookSignature.Verify(header, PayloadText, Secret, Tolerance, At(100)));
    }

    /// <summary>The app as the gateway holds it: the webhook secret sealed, opened by the keys object on first use.</summary>
    private static MerchantAppKeys Keys(string webhookSecret)
    {
        var protector = new SecretProtector(RandomNumberGenerator.GetBytes(32));
        var app = new SealedMerchantApp(AppId, 1, true, MerchantAuthScheme.Hmac, null, null,
            protector.Seal(webhookSecret, MerchantAppKeys.Purpose(AppId, "webhook")), ImmutableArray<ChannelRoute>.Empty);
        return new MerchantAppKeys(app, protector);
    }

    private static string HeaderPart(string header, string name) =>
        header.Split(',').Select(p => p.Split('=', 2)).Single(kv => kv[0] == name)[1];

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Vectors", "stripe");

    private static JsonElement LoadVector()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "dotnet-webhook-signature.json")));
        return document.RootElement.Clone();
    }
}
