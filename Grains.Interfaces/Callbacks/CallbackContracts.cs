using System.Collections.Immutable;

namespace PayGateway;

/// <summary>What a verified channel callback says about a payment.</summary>
public enum ReportedPaymentState
{
    Pending = 0,
    Succeeded = 1,
    Closed = 2,
    Failed = 3,
}

/// <summary>A callback whose signature has been verified, as the order grain receives it.</summary>
[GenerateSerializer, Immutable, Alias("paygw.CallbackNotice")]
public sealed record CallbackNotice(
    [property: Id(0)] string Channel,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string OrderId,
    [property: Id(3)] ReportedPaymentState State,
    [property: Id(4)] string? ChannelTradeNo,
    [property: Id(5)] long Amount,
    [property: Id(6)] string Currency,
    [property: Id(7)] DateTimeOffset? PaidAt);

/// <summary>Whether the order accepted a callback; a rejection carries a stable code for the review log.</summary>
[GenerateSerializer, Immutable, Alias("paygw.CallbackOutcome")]
public sealed record CallbackOutcome(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] string? RejectionCode = null,
    [property: Id(2)] string? Detail = null)
{
    public static readonly CallbackOutcome Ok = new(true);

    public static CallbackOutcome Reject(string code, string detail) => new(false, code, detail);
}

/// <summary>A callback as it reached the API host: raw bytes and the headers channels sign.</summary>
[GenerateSerializer, Immutable, Alias("paygw.CallbackEnvelope")]
public sealed record CallbackEnvelope(
    [property: Id(0)] ImmutableDictionary<string, string> Headers,
    [property: Id(1)] byte[] Body,
    [property: Id(2)] string? ContentType);

/// <summary>The HTTP answer to give the channel, in its own acknowledgement format.</summary>
[GenerateSerializer, Immutable, Alias("paygw.CallbackReply")]
public sealed record CallbackReply(
    [property: Id(0)] int StatusCode,
    [property: Id(1)] string ContentType,
    [property: Id(2)] string Body);

/// <summary>
/// Verifies and routes channel callbacks. A stateless worker: signature checks need the account's keys, which
/// are decrypted on the silo, and the work is spread over every silo.
/// </summary>
public interface IChannelCallbackGrain : IGrainWithStringKey
{
    /// <summary>Handles one callback for channel account <c>{channel}:{account_id}</c> (the grain key).</summary>
    Task<CallbackReply> HandleAsync(CallbackEnvelope envelope);
}

/// <summary>
/// One shard of order supervision. Each shard sweeps the orders whose next check is due (from the
/// <c>paygw_order</c> projection) and wakes them. A reminder keeps every shard alive across silo failures.
/// </summary>
public interface ISupervisorGrain : IGrainWithIntegerKey
{
    /// <summary>Makes sure the shard's reminder exists. Idempotent.</summary>
    Task StartAsync();

    /// <summary>Wakes every due order of this shard once; returns how many were woken.</summary>
    Task<int> SweepAsync();
}
