using System.Collections.Immutable;

namespace PayGateway;

/// <summary>
/// A validated request to sign a recurring-payment contract: the payer signs once at the channel, then the gateway
/// charges <see cref="Amount"/> every <see cref="PeriodEvery"/> <see cref="PeriodUnit"/>s from
/// <see cref="FirstDeductionDate"/> (a Beijing-time date), at most <see cref="MaxDeductions"/> times when set.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.CreateContractCommand")]
public sealed record CreateContractCommand(
    [property: Id(0)] string AppId,
    [property: Id(1)] string OutContractNo,
    [property: Id(2)] string? Channel,
    [property: Id(3)] PayMethod Method,
    [property: Id(4)] long Amount,
    [property: Id(5)] string Currency,
    [property: Id(6)] string PeriodUnit,
    [property: Id(7)] int PeriodEvery,
    [property: Id(8)] DateOnly FirstDeductionDate,
    [property: Id(9)] int? MaxDeductions,
    [property: Id(10)] string DisplayAccount,
    [property: Id(11)] string Subject,
    [property: Id(12)] string NotifyUrl,
    [property: Id(13)] string? ReturnUrl,
    [property: Id(14)] string? UserIp,
    [property: Id(15)] int SignExpireSeconds,
    [property: Id(16)] ImmutableSortedDictionary<string, string> Metadata);

/// <summary>
/// Marks an order as one deduction under a signed contract (<see cref="PayMethod.AGREEMENT"/>): the route is the
/// contract's account, and the channel is asked to charge under <see cref="ChannelContractNo"/>. Only the contract's
/// grain builds these; the API host never does.
/// </summary>
[GenerateSerializer, Immutable, Alias("paygw.ContractDeduction")]
public sealed record ContractDeduction(
    [property: Id(0)] string ContractId,
    [property: Id(1)] string ChannelContractNo,
    [property: Id(2)] int Period,
    [property: Id(3)] ChannelRoute Route);
