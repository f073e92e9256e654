using System.Collections.Immutable;

namespace PayGateway;

/// <summary>A recurring-payment contract as merchants and operators see it.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ContractView")]
public sealed record ContractView(
    [property: Id(0)] string ContractId,
    [property: Id(1)] string AppId,
    [property: Id(2)] string OutContractNo,
    [property: Id(3)] ContractStatus Status,
    [property: Id(4)] string Channel,
    [property: Id(5)] string AccountId,
    [property: Id(6)] PayMethod Method,
    [property: Id(7)] long Amount,
    [property: Id(8)] string Currency,
    [property: Id(9)] string PeriodUnit,
    [property: Id(10)] int PeriodEvery,
    [property: Id(11)] DateOnly FirstDeductionDate,
    [property: Id(12)] int? MaxDeductions,
    [property: Id(13)] string DisplayAccount,
    [property: Id(14)] string Subject,
    [property: Id(15)] string? ChannelContractNo,
    [property: Id(16)] PayData? SignData,
    [property: Id(17)] DateTimeOffset CreatedAt,
    [property: Id(18)] DateTimeOffset UpdatedAt,
    [property: Id(19)] DateTimeOffset SignExpiresAt,
    [property: Id(20)] DateTimeOffset? SignedAt,
    [property: Id(21)] DateTimeOffset? TerminatedAt,
    [property: Id(22)] DateOnly? NextDeductionDate,
    [property: Id(23)] int DeductionsSucceeded,
    [property: Id(24)] ImmutableArray<DeductionView> Deductions,
    [property: Id(25)] GatewayError? Failure,
    [property: Id(26)] string NotifyUrl,
    [property: Id(27)] ImmutableArray<NotificationView> Notifications,
    [property: Id(28)] ImmutableSortedDictionary<string, string> Metadata);

/// <summary>One deduction attempt of a contract: a normal order (method AGREEMENT) the contract created.</summary>
[GenerateSerializer, Immutable, Alias("paygw.DeductionView")]
public sealed record DeductionView(
    [property: Id(0)] int Period,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string OutTradeNo,
    [property: Id(3)] string? OrderId,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt);

/// <summary>Either a contract or the reason there is none. Exactly one of the two is set.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ContractResult")]
public sealed record ContractResult(
    [property: Id(0)] ContractView? Contract,
    [property: Id(1)] GatewayError? Error)
{
    public static ContractResult Ok(ContractView contract) => new(contract, null);
    public static ContractResult Fail(string code, string message) => new(null, new GatewayError(code, message));
}

/// <summary>What a verified channel notification says about a contract.</summary>
public enum ReportedContractState
{
    Signed = 0,
    Terminated = 1,
}

/// <summary>A contract notification whose signature has been verified, as the contract's grain receives it.</summary>
[GenerateSerializer, Immutable, Alias("paygw.ContractCallbackNotice")]
public sealed record ContractCallbackNotice(
    [property: Id(0)] string Channel,
    [property: Id(1)] string AccountId,
    [property: Id(2)] string ContractId,
    [property: Id(3)] ReportedContractState State,
    [property: Id(4)] string? ChannelContractNo,
    [property: Id(5)] DateTimeOffset? At);
