using System.Globalization;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;

namespace PayGateway.Channels.UnionPay;

/// <summary>
/// <c>certId</c>: the signing certificate's serial number in <b>decimal</b>. .NET prints serials in hex (with a
/// leading <c>00</c> when the top bit is set), so the hex is read as an unsigned big-endian number.
/// </summary>
public static class UnionPayCertId
{
    public static string Of(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var serial = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true);
        return serial.ToString(CultureInfo.InvariantCulture);
    }
}
