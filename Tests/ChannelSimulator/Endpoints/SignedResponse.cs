using System.Text.Json;
using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Signing;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>Writes API answers: JSON, signed over timestamp \n body with the merchant's key.</summary>
internal static class SignedResponse
{
    /// <summary>Writes <paramref name="body"/>; <paramref name="key"/> null leaves it unsigned, <paramref name="badSignature"/> signs with a wrong key.</summary>
    public static Task WriteAsync(HttpContext context, TimeProvider time, int status, object body, string? merchantId, string? key, bool badSignature = false)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), SimulatorJson.Options);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (key is not null)
        {
            var timestamp = MockSigner.Timestamp(time.GetUtcNow());
            response.Headers[MockSigner.MerchantHeader] = merchantId;
            response.Headers[MockSigner.TimestampHeader] = timestamp;
            response.Headers[MockSigner.SignatureHeader] = MockSigner.SignBody(badSignature ? "wrong-" + key : key, timestamp, bytes);
        }
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes.AsMemory(), CancellationToken.None).AsTask();
    }
}
