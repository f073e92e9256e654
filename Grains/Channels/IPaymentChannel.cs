namespace PayGateway.Channels;

/// <summary>
/// One payment channel's wire protocol (mock, alipay, wechatpay, …). Implementations are stateless singletons:
/// everything account-specific arrives in <see cref="ChannelAccount"/>, everything order-specific in the request.
/// </summary>
/// <remarks>
/// Contract every implementation keeps:
/// <list type="bullet">
/// <item>Never throw for a channel-side outcome. A timeout, a connection failure, a 5xx, an unparseable or
/// unverifiable response all become <see cref="ChannelOutcome.Unknown"/>: the money may have moved, so the caller
/// must ask again later, never assume failure.</item>
/// <item><see cref="ChannelOutcome.Failed"/> only when the channel said so, definitively and verifiably.</item>
/// <item>The gateway order id is the channel's merchant order number (out_trade_no), so a query or a callback
/// always leads back to exactly one order.</item>
/// <item>Secrets in <see cref="ChannelAccount.Secrets"/> are never logged and never returned.</item>
/// </list>
/// </remarks>
public interface IPaymentChannel
{
    /// <summary>The channel code used in routes, configuration and stored orders, e.g. <c>mock</c>.</summary>
    string Name { get; }

    /// <summary>Payment methods this channel can serve.</summary>
    IReadOnlyCollection<PayMethod> SupportedMethods { get; }

    /// <summary>Creates the payment at the channel and returns what the payer needs (QR content, redirect, …).</summary>
    Task<ChannelPaymentResult> CreatePaymentAsync(ChannelAccount account, ChannelPaymentRequest request, CancellationToken cancellationToken);

    /// <summary>Asks the channel for the current truth about a payment.</summary>
    Task<ChannelQueryResult> QueryPaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken);

    /// <summary>Closes an unpaid payment at the channel so it can no longer be paid.</summary>
    Task<ChannelCloseResult> ClosePaymentAsync(ChannelAccount account, string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Verifies a callback's signature with the account's keys and decodes it. Changes nothing anywhere: the caller
    /// checks amount, currency and account against the stored order before acting on it. Asynchronous because a
    /// channel may first have to fetch the key the callback names (WeChat Pay platform certificates after a restart
    /// or a rotation); like the other calls it never throws for a channel-side problem, it rejects.
    /// </summary>
    Task<ChannelCallbackParseResult> ParseCallbackAsync(ChannelAccount account, ChannelCallbackRequest request, CancellationToken cancellationToken);

    /// <summary>The body the channel expects when the gateway accepted (or refused) a callback.</summary>
    ChannelCallbackReply ReplyToCallback(bool accepted);

    /// <summary>
    /// The reply for this particular callback, for channels whose callbacks come in more than one format (WeChat Pay:
    /// v2 XML notifies want an XML answer, v3 JSON ones JSON). The default answers like <see cref="ReplyToCallback(bool)"/>.
    /// </summary>
    ChannelCallbackReply ReplyToCallback(bool accepted, ChannelCallbackRequest request) => ReplyToCallback(accepted);

    /// <summary>
    /// Checks, before an operator's configuration is stored, that the account can be used: required settings and
    /// secrets present, keys parse. Throws <see cref="ChannelConfigurationException"/> saying what is wrong
    /// (never quoting a secret). The default checks nothing.
    /// </summary>
    void ValidateAccount(ChannelAccount account)
    {
    }
}
