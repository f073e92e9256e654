using System.Text.Json;
using PayGateway.Channels.WeChatPay.Papay;
using Xunit;

namespace PayGateway.Tests.Channels.WeChatPay;

/// <summary>The APIv2 signature (papay) against the public vectors in Vectors/reconciliation/wechatpay/v2-sign.json.</summary>
public sealed class WeChatPayV2SignerTests
{
    private static readonly string VectorPath = Path.Combine(AppContext.BaseDirectory, "Vectors", "reconciliation", "wechatpay", "v2-sign.json");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Load().GetProperty("cases").EnumerateArray())
        {
            data.Add(vector.GetProperty("name").GetString()!);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Vector_ReproducesStringToSignAndEverySignature(string name)
    {
        var vector = Load().GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var fields = Fields(vector);
        var key = vector.GetProperty("key").GetString()!;

        Assert.Equal(vector.GetProperty("string_to_sign").GetString(), WeChatPayV2Signer.StringToSign(fields, key));
        Assert.Equal(vector.GetProperty("MD5").GetString(), WeChatPayV2Signer.Sign(fields, key, WeChatPayV2Signer.Md5));
        if (vector.TryGetProperty("HMAC-SHA256", out var hmac))
        {
            Assert.Equal(hmac.GetString(), WeChatPayV2Signer.Sign(fields, key, WeChatPayV2Signer.HmacSha256));
        }
    }

    [Fact]
    public void VectorCases_CoverBothAlgorithms()
    {
        var cases = Load().GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(2, cases.Count);
        Assert.Contains(cases, c => c.TryGetProperty("HMAC-SHA256", out _));
    }

    [Fact]
    public void Verify_DocExampleWithItsSign_IsTrue_AndDefaultsToMd5()
    {
        var vector = Load().GetProperty("cases")[0];
        var fields = Fields(vector).ToDictionary(f => f.Key, f => f.Value!);
        fields["sign"] = vector.GetProperty("MD5").GetString()!;

        Assert.True(WeChatPayV2Signer.Verify(fields, vector.GetProperty("key").GetString()!));
    }

    [Fact]
    public void Verify_HmacSignType_IsSignedAsAField()
    {
        var fields = new Dictionary<string, string> { ["appid"] = "wx1", ["mch_id"] = "1", ["sign_type"] = "HMAC-SHA256" };
        fields["sign"] = WeChatPayV2Signer.Sign(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)), "k", WeChatPayV2Signer.HmacSha256);

        Assert.Contains("sign_type=HMAC-SHA256", WeChatPayV2Signer.StringToSign(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value)), "k"), StringComparison.Ordinal);
        Assert.True(WeChatPayV2Signer.Verify(fields, "k"));
        // The same sign read as MD5 (sign_type removed) does not verify.
        fields.Remove("sign_type");
        Assert.False(WeChatPayV2Signer.Verify(fields, "k"));
    }

    [Theory]
    [InlineData("wrong-key", null, null)]
    [InlineData(null, "body", "tampered")]
    [InlineData(null, "sign_type", "SHA1")]
    public void Verify_WrongKeyTamperedFieldOrUnknownType_IsFalse(string? key, string? field, string? value)
    {
        var vector = Load().GetProperty("cases")[0];
        var fields = Fields(vector).ToDictionary(f => f.Key, f => f.Value!);
        fields["sign"] = vector.GetProperty("MD5").GetString()!;
        if (field is not null)
        {
            fields[field] = value!;
        }

        Assert.False(WeChatPayV2Signer.Verify(fields, key ?? vector.GetProperty("key").GetString()!));
    }

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(VectorPath));
        return document.RootElement.Clone();
    }

    private static List<KeyValuePair<string, string?>> Fields(JsonElement vector) =>
        [.. vector.GetProperty("params").EnumerateObject().Select(p => new KeyValuePair<string, string?>(p.Name, p.Value.GetString()))];
}
