using System.Collections.Concurrent;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>A bill handed out by <c>GET /v3/bill/tradebill</c>: whose it is, the plain CSV, and until when its link works.</summary>
internal sealed record WeChatPayBillLink(string MchId, byte[] Csv, bool Gzip, DateTimeOffset ExpiresAt);

/// <summary>
/// The download tokens the simulator issued. Like WeChat, the file is fixed when the link is issued (its hash is in
/// the signed answer), and the link expires after <see cref="WeChatPaySimulatorOptions.BillLinkLifetime"/>.
/// </summary>
internal sealed class WeChatPayBillLinks(SimulatorOptions options, TimeProvider time) : IResettableState
{
    private readonly ConcurrentDictionary<string, WeChatPayBillLink> _links = new(StringComparer.Ordinal);

    /// <summary>Issues a token for the file.</summary>
    public string Issue(string mchId, byte[] csv, bool gzip)
    {
        var token = WeChatPayCrypto.Nonce(32);
        _links[token] = new WeChatPayBillLink(mchId, csv, gzip, time.GetUtcNow() + options.WeChatPay.BillLinkLifetime);
        return token;
    }

    /// <summary>The file behind a token for this merchant; null with a reason when unknown, another merchant's or expired.</summary>
    public (WeChatPayBillLink? Link, string? Problem) Open(string? token, string mchId)
    {
        if (token is null || !_links.TryGetValue(token, out var link) || link.MchId != mchId)
        {
            return (null, "下载链接无效 (unknown token)");
        }
        if (time.GetUtcNow() >= link.ExpiresAt)
        {
            return (null, "下载链接已过期 (token expired)");
        }
        return (link, null);
    }

    public void Clear() => _links.Clear();
}
