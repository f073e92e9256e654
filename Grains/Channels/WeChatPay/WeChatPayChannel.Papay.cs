using PayGateway.Channels.WeChatPay.Papay;

namespace PayGateway.Channels.WeChatPay;

/// <summary>
/// WeChat Pay 委托代扣 (papay, API v2): contracts signed through the Official-Account, H5 or App sign page, queried and
/// terminated, and deductions (trade_type PAP) under them. v2 messages are XML signed with the account's
/// <c>api_v2_key</c> secret; the contract template is the <c>papay_plan_id</c> setting (docs/channels/wechatpay.md).
/// </summary>
public sealed partial class WeChatPayChannel : IContractChannel
{
    public IReadOnlyCollection<string> ContractCurrencies => WeChatPayPapaySigning.Currencies;

    public IReadOnlyCollection<PayMethod> SignMethods => WeChatPayPapaySigning.Methods;

    public Task<ChannelSignResult> StartSigningAsync(ChannelAccount account, ChannelSignRequest request, CancellationToken cancellationToken) =>
        _papaySigning.StartAsync(WeChatPayPapayMerchant.From(account), request, cancellationToken);

    public Task<ChannelContractResult> QueryContractAsync(ChannelAccount account, ChannelContractRef contract, CancellationToken cancellationToken) =>
        _papayContracts.QueryAsync(WeChatPayPapayMerchant.From(account), contract, cancellationToken);

    public Task<ChannelContractResult> TerminateContractAsync(ChannelAccount account, ChannelContractRef contract, string? reason, CancellationToken cancellationToken) =>
        _papayContracts.TerminateAsync(WeChatPayPapayMerchant.From(account), contract, reason, cancellationToken);

    public Task<ChannelPaymentResult> DeductAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken) =>
        _papayDeductions.DeductAsync(WeChatPayPapayMerchant.From(account), request, cancellationToken);

    public Task<ChannelQueryResult> QueryDeductionAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken) =>
        _papayDeductions.QueryAsync(WeChatPayPapayMerchant.From(account), request, cancellationToken);

    /// <summary>Papay deductions are not tied to a planned date (the contract template's period only limits how often).</summary>
    public Task<ChannelPlanResult> MoveDeductionPlanAsync(ChannelAccount account, ChannelContractRef contract, DateOnly date, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelPlanResult.NoPlan);

    /// <summary>v2 notifies (papay) are acknowledged in XML, v3 notifications in JSON as before.</summary>
    public ChannelCallbackReply ReplyToCallback(bool accepted, ChannelCallbackRequest request) =>
        WeChatPayV2Notifications.IsV2(request)
            ? accepted ? WeChatPayV2Notifications.Acknowledged : WeChatPayV2Notifications.Refused
            : ReplyToCallback(accepted);
}
