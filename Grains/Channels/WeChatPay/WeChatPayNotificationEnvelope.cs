using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace PayGateway.Channels.WeChatPay;

/// <summary>The encrypted part of a callback (also the shape of <c>encrypt_certificate</c>).</summary>
public sealed record WeChatPayEncryptedResource(
    string Algorithm,
    string Ciphertext,
    string Nonce,
    string? AssociatedData,
    string? OriginalType)
{
    /// <summary>Reads a resource object; false when a required member is missing or not a string.</summary>
    public static bool TryRead(JsonElement element, [NotNullWhen(true)] out WeChatPayEncryptedResource? resource)
    {
        resource = null;
        if (element.ValueKind != JsonValueKind.Object
            || !WeChatPayJson.TryGetString(element, "algorithm", out var algorithm)
            || !WeChatPayJson.TryGetString(element, "ciphertext", out var ciphertext)
            || !WeChatPayJson.TryGetString(element, "nonce", out var nonce))
        {
            return false;
        }

        resource = new WeChatPayEncryptedResource(
            algorithm,
            ciphertext,
            nonce,
            WeChatPayJson.GetStringOrNull(element, "associated_data"),
            WeChatPayJson.GetStringOrNull(element, "original_type"));
        return true;
    }

    /// <summary>Decrypts with the APIv3 key; throws <see cref="System.Security.Cryptography.CryptographicException"/> on failure.</summary>
    public string Decrypt(string apiV3Key)
    {
        if (!string.Equals(Algorithm, WeChatPayAesGcm.Algorithm, StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Unsupported resource algorithm '{Algorithm}'.");
        }

        return WeChatPayAesGcm.DecryptToString(apiV3Key, Nonce, AssociatedData, Ciphertext);
    }
}

/// <summary>The outer, unencrypted JSON of a callback.</summary>
public sealed record WeChatPayNotificationEnvelope(
    string? Id,
    DateTimeOffset? CreateTime,
    string? EventType,
    string? ResourceType,
    string? Summary,
    WeChatPayEncryptedResource Resource)
{
    /// <summary>Parses the callback body; false when it is not JSON or has no usable <c>resource</c>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out WeChatPayNotificationEnvelope? envelope)
    {
        envelope = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("resource", out var resourceElement)
                || !WeChatPayEncryptedResource.TryRead(resourceElement, out var resource))
            {
                return false;
            }

            envelope = new WeChatPayNotificationEnvelope(
                WeChatPayJson.GetStringOrNull(root, "id"),
                WeChatPayJson.GetTimeOrNull(root, "create_time"),
                WeChatPayJson.GetStringOrNull(root, "event_type"),
                WeChatPayJson.GetStringOrNull(root, "resource_type"),
                WeChatPayJson.GetStringOrNull(root, "summary"),
                resource);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
