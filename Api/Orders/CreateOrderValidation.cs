using System.Collections.Immutable;
using System.Net;
using System.Text.RegularExpressions;
using PayGateway.Api.Contracts;

namespace PayGateway.Api.Orders;

/// <summary>Checks a create-order request field by field and turns it into a command. Nothing is stored until this passes.</summary>
public static partial class CreateOrderValidation
{
    public const long MinAmount = 1;
    public const long MaxAmount = 1_000_000_000;
    public const int DefaultExpireSeconds = 7200;
    public const int MinExpireSeconds = 60;
    public const int MaxExpireSeconds = 7 * 24 * 3600;
    public const int MaxMetadataEntries = 20;

    // Every pattern ends in \z, not $: in .NET $ also matches before a final "\n", so "ab\n" would pass as a number
    // (and 64 characters plus "\n" would not fit the column that stores it).
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    public static partial Regex MerchantNumber();

    [GeneratedRegex(@"^[a-z0-9_]{1,32}\z")]
    public static partial Regex ChannelName();

    /// <summary>The out_trade_nos of contract deductions (<c>{contract_id}-{period}-{attempt}</c>): reserved for the gateway.</summary>
    [GeneratedRegex(@"^C[0-9]{17}[0-9A-Z]{7}-[0-9]+-[0-9]+\z")]
    public static partial Regex DeductionNumber();

    [GeneratedRegex(@"^[A-Za-z0-9]{1,64}\z")]
    private static partial Regex AuthCode();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,40}\z")]
    private static partial Regex MetadataKey();

    public static (CreateOrderCommand? Command, Dictionary<string, string[]> Errors) Validate(string appId, CreateOrderRequest r)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = [message];

        if (r.OutTradeNo is null || !MerchantNumber().IsMatch(r.OutTradeNo))
        {
            Error("out_trade_no", "Required: 1-64 characters of [A-Za-z0-9_-].");
        }
        else if (DeductionNumber().IsMatch(r.OutTradeNo))
        {
            Error("out_trade_no", "Reserved: numbers of the form {contract_id}-{period}-{attempt} name contract deductions.");
        }
        if (r.Amount is not (>= MinAmount and <= MaxAmount))
        {
            Error("amount", $"Required: an integer number of minor units from {MinAmount} to {MaxAmount:N0}.");
        }
        if (!Currencies.IsKnown(r.Currency))
        {
            Error("currency", "Required: an ISO 4217 currency code in upper case, e.g. CNY.");
        }
        if (string.IsNullOrWhiteSpace(r.Subject) || r.Subject.Length > 256 || HasControlCharacters(r.Subject))
        {
            Error("subject", "Required: 1-256 characters, no control characters.");
        }
        if (r.Description is { } description && (description.Length > 1024 || HasControlCharacters(description)))
        {
            Error("description", "At most 1024 characters, no control characters.");
        }
        PayMethod method = default;
        if (!PayMethods.TryParseWire(r.Method, out method))
        {
            Error("method", $"Required: one of {string.Join(", ", PayMethods.Selectable)}.");
        }
        if (r.Channel is { } channel && !ChannelName().IsMatch(channel))
        {
            Error("channel", "1-32 characters of [a-z0-9_].");
        }
        if (!IsHttpUrl(r.NotifyUrl))
        {
            Error("notify_url", "Required: an absolute http(s) URL of at most 512 characters.");
        }
        if (r.ReturnUrl is not null && !IsHttpUrl(r.ReturnUrl))
        {
            Error("return_url", "An absolute http(s) URL of at most 512 characters.");
        }
        if (r.ExpireSeconds is { } expire && expire is < MinExpireSeconds or > MaxExpireSeconds)
        {
            Error("expire_seconds", $"From {MinExpireSeconds} to {MaxExpireSeconds} seconds.");
        }
        if (r.UserIp is { } ip && !IsIpAddress(ip))
        {
            Error("user_ip", "An IPv4 or IPv6 address.");
        }
        if (r.UserId is { } userId && (userId.Length is 0 or > 64 || HasControlCharacters(userId)))
        {
            Error("user_id", "1-64 characters, no control characters.");
        }
        if (r.ProductId is { } productId && (productId.Length is 0 or > 64 || HasControlCharacters(productId)))
        {
            Error("product_id", "1-64 characters, no control characters.");
        }
        if (method == PayMethod.SERVER && (r.AuthCode is null || !AuthCode().IsMatch(r.AuthCode)))
        {
            Error("auth_code", "Required for method SERVER: the payer's barcode, 1-64 characters of [A-Za-z0-9].");
        }
        else if (method != PayMethod.SERVER && r.AuthCode is not null)
        {
            Error("auth_code", "Only allowed with method SERVER.");
        }
        if (!IsValidMetadata(r.Metadata))
        {
            Error("metadata", MetadataRule);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }
        return (new CreateOrderCommand(
            appId, r.OutTradeNo!, r.Amount!.Value, r.Currency!, r.Subject!, r.Description, method, r.Channel, r.NotifyUrl!,
            r.ReturnUrl, r.ExpireSeconds ?? DefaultExpireSeconds, r.UserIp, r.UserId, r.ProductId, r.AuthCode,
            (r.Metadata ?? []).ToImmutableSortedDictionary(StringComparer.Ordinal)), errors);
    }

    public static bool IsHttpUrl(string? value) =>
        value is { Length: <= 512 } && !HasControlCharacters(value) && !value.Contains(' ')
        && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    /// <summary>A dotted-quad IPv4 or an IPv6 address. (IPAddress.TryParse alone also takes legacy forms like "1.2.3".)</summary>
    public static bool IsIpAddress(string value) =>
        value.Length <= 45 && IPAddress.TryParse(value, out var address)
        && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? value.Contains(':') : value.Split('.').Length == 4 && value.All(c => char.IsAsciiDigit(c) || c == '.'));

    public static bool HasControlCharacters(string value) => value.Any(char.IsControl);

    public static readonly string MetadataRule = $"At most {MaxMetadataEntries} entries; keys 1-40 characters of [A-Za-z0-9_.-]; string values of at most 500 characters.";

    /// <summary>Absent, or at most 20 string entries with restricted keys (orders and contracts).</summary>
    public static bool IsValidMetadata(Dictionary<string, string>? metadata) => metadata is null || (metadata.Count <= MaxMetadataEntries
        && !metadata.Any(kv => !MetadataKey().IsMatch(kv.Key) || kv.Value is null || kv.Value.Length > 500 || HasControlCharacters(kv.Value)));
}
