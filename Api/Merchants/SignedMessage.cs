using System.Text;

namespace PayGateway.Api.Merchants;

/// <summary>The byte layouts that merchant requests and gateway responses sign.</summary>
public static class SignedMessage
{
    /// <summary>
    /// <c>METHOD\nPATH_AND_QUERY\nAPP_ID\nTIMESTAMP\nNONCE\nBODY\n</c> (BODY empty for GET). The app id is signed
    /// because merchants often give several apps one secret or key, and nonces are remembered per app: without it a
    /// request captured for one app could be sent again, within the window, as another.
    /// </summary>
    public static byte[] ForRequest(string method, string pathAndQuery, string appId, long timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Concat($"{method}\n{pathAndQuery}\n{appId}\n{timestamp}\n{nonce}\n", body);

    /// <summary><c>TIMESTAMP\nNONCE\nBODY\n</c>.</summary>
    public static byte[] ForResponse(long timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Concat($"{timestamp}\n{nonce}\n", body);

    private static byte[] Concat(string head, ReadOnlySpan<byte> body)
    {
        var headBytes = Encoding.UTF8.GetBytes(head);
        var message = new byte[headBytes.Length + body.Length + 1];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(headBytes.Length));
        message[^1] = (byte)'\n';
        return message;
    }
}
