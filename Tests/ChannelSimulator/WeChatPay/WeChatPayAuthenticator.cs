using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using PayGateway.ChannelSimulator.Endpoints;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>A request whose Authorization header checked out.</summary>
internal sealed record WeChatPayCaller(WeChatPayMerchant Merchant, byte[] Body);

/// <summary>Why a request was refused; <see cref="MchId"/> is what the header claimed, for the records.</summary>
internal sealed record WeChatPayRefusal(int Status, string Code, string Message, string? MchId);

/// <summary>
/// Checks <c>Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",serial_no="…",signature="…"</c>
/// against the registered merchant: known mchid, its certificate serial, a fresh timestamp, and SHA256withRSA over
/// <c>METHOD\nURL\ntimestamp\nnonce\nbody\n</c> with the URL exactly as sent.
/// </summary>
internal static partial class WeChatPayAuthenticator
{
    public static async Task<(WeChatPayCaller? Caller, WeChatPayRefusal? Refusal)> ReadAsync(
        HttpContext context, WeChatPayMerchants merchants, TimeProvider time, TimeSpan maxClockSkew)
    {
        var request = context.Request;
        var body = await ApiRequestReader.ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            return (null, new WeChatPayRefusal(400, "PARAM_ERROR", "Body larger than 64 KiB.", null));
        }
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(WeChatPayCrypto.AuthorizationScheme + " ", StringComparison.Ordinal))
        {
            return (null, SignError("Authorization is missing or not WECHATPAY2-SHA256-RSA2048.", null));
        }
        var fields = ParameterPattern().Matches(header[(WeChatPayCrypto.AuthorizationScheme.Length + 1)..])
            .GroupBy(m => m.Groups["name"].Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Groups["value"].Value, StringComparer.Ordinal);
        fields.TryGetValue("mchid", out var mchId);
        if (!fields.TryGetValue("nonce_str", out var nonce) || !fields.TryGetValue("timestamp", out var timestamp)
            || !fields.TryGetValue("serial_no", out var serial) || !fields.TryGetValue("signature", out var signature) || mchId is null)
        {
            return (null, SignError("Authorization lacks one of mchid, nonce_str, timestamp, serial_no, signature.", mchId));
        }
        if (!merchants.TryGet(mchId, out var merchant))
        {
            return (null, SignError($"Merchant {mchId} is not registered.", mchId));
        }
        if (WeChatPayCrypto.NormalizeSerial(serial) != merchant.SerialNo)
        {
            return (null, SignError("serial_no is not the merchant's API certificate serial.", mchId));
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > (long)maxClockSkew.TotalSeconds)
        {
            return (null, SignError("timestamp is missing or too far from the server's clock.", mchId));
        }
        // The exact request target the client sent, not a decoded and re-encoded path.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var message = WeChatPayCrypto.RequestMessage(request.Method, target, timestamp, nonce, body);
        using var key = RSA.Create();
        key.ImportSubjectPublicKeyInfo(merchant.PublicKey, out _);
        if (!WeChatPayCrypto.Verify(key, message, signature))
        {
            return (null, SignError("The signature does not verify with the merchant's public key.", mchId));
        }
        return (new WeChatPayCaller(merchant, body), null);
    }

    private static WeChatPayRefusal SignError(string message, string? mchId) => new(401, "SIGN_ERROR", message, mchId);

    [GeneratedRegex(@"(?<name>[a-z_]+)=""(?<value>[^""]*)""")]
    private static partial Regex ParameterPattern();
}
