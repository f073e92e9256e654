using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace PayGateway.Api.Admission;

/// <summary>
/// How much work one API host lets in, and how long a merchant request may take. Bound from <c>Api:Admission</c>;
/// every value has a code default. Limits are per API host process.
/// </summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "Api:Admission";

    /// <summary>
    /// Merchant requests in progress at once, all apps together; beyond it (and its queue) requests are refused with
    /// 503 OVERLOADED. The benchmark (docs/performance.md) saturates one host at about 64 concurrent creates, so twice
    /// that keeps the host busy without letting latency grow without bound.
    /// </summary>
    public int MerchantConcurrency { get; set; } = 128;

    /// <summary>Merchant requests that may wait for a slot (oldest first). Short: waiting is not covered by <see cref="RequestDeadline"/>.</summary>
    public int MerchantQueue { get; set; } = 64;

    /// <summary>Requests in progress at once for one app_id; beyond it (and its queue) 429 RATE_LIMITED, so one merchant cannot take every slot.</summary>
    public int AppConcurrency { get; set; } = 64;

    /// <summary>Requests of one app that may wait for that app's slot.</summary>
    public int AppQueue { get; set; } = 16;

    /// <summary>
    /// Channel callbacks in progress at once: a separate, larger pool, so merchant overload never sheds the callbacks
    /// that complete payments (a channel would redeliver a refused one, but later).
    /// </summary>
    public int CallbackConcurrency { get; set; } = 256;

    /// <summary>Callbacks that may wait for a slot.</summary>
    public int CallbackQueue { get; set; } = 256;

    /// <summary>
    /// How long an admitted merchant request may take before it is answered 503 DEADLINE_EXCEEDED. Must be shorter
    /// than Orleans' grain call timeout (<see cref="MessagingOptions.ResponseTimeout"/>, 30 s by default), so callers
    /// hear from the gateway before Orleans gives up on a call.
    /// </summary>
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The Retry-After given with every refusal and with DEADLINE_EXCEEDED.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retry-After in whole seconds, at least 1.</summary>
    public string RetryAfterHeader => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Refuses limits that cannot work, and a deadline that would not come before Orleans' own call timeout.</summary>
public sealed class AdmissionOptionsValidator(IOptions<ClientMessagingOptions> messaging) : IValidateOptions<AdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        var errors = new List<string>();
        foreach (var (key, value, minimum) in new[]
        {
            (nameof(options.MerchantConcurrency), options.MerchantConcurrency, 1), (nameof(options.MerchantQueue), options.MerchantQueue, 0),
            (nameof(options.AppConcurrency), options.AppConcurrency, 1), (nameof(options.AppQueue), options.AppQueue, 0),
            (nameof(options.CallbackConcurrency), options.CallbackConcurrency, 1), (nameof(options.CallbackQueue), options.CallbackQueue, 0),
        })
        {
            if (value < minimum)
            {
                errors.Add($"{AdmissionOptions.SectionName}:{key} must be at least {minimum}.");
            }
        }
        var grainCallTimeout = messaging.Value.ResponseTimeout;
        if (options.RequestDeadline <= TimeSpan.Zero || options.RequestDeadline >= grainCallTimeout)
        {
            errors.Add($"{AdmissionOptions.SectionName}:RequestDeadline must be positive and shorter than the Orleans grain call timeout ({grainCallTimeout}).");
        }
        if (options.RetryAfter < TimeSpan.Zero)
        {
            errors.Add($"{AdmissionOptions.SectionName}:RetryAfter must not be negative.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
