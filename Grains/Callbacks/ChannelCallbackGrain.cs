using Orleans.Concurrency;
using PayGateway.Caching;
using PayGateway.Channels;

namespace PayGateway.Callbacks;

/// <inheritdoc cref="IChannelCallbackGrain"/>
/// <remarks>
/// Order of checks: the account exists → the channel's signature holds (adapter, with the account's keys) → the
/// order grain checks channel, account, amount and currency against what it stored and moves the order. The
/// channel gets its "accepted" answer only after the order's state is written. Every refusal is logged for review.
/// </remarks>
[StatelessWorker]
public sealed class ChannelCallbackGrain(ChannelRegistry channels, ChannelAccountOpener accounts, ReviewLog review, GatewayMetrics metrics)
    : Grain, IChannelCallbackGrain
{
    // Keyed by the channel and account the callback's URL names, which anyone can make up.
    private readonly NotFoundLetGo _letGo = new();

    public async Task<CallbackReply> HandleAsync(CallbackEnvelope envelope)
    {
        var key = this.GetPrimaryKeyString().Split(':', 2);
        var (channelName, accountId) = (key[0], key[1]);
        if (channels.Find(channelName) is not { } adapter)
        {
            _letGo.Schedule(this, () => true); // the channels are fixed at start-up
            return new CallbackReply(404, "text/plain", "unknown channel");
        }
        var request = new ChannelCallbackRequest(new Dictionary<string, string>(envelope.Headers, StringComparer.OrdinalIgnoreCase), envelope.Body, envelope.ContentType);
        var accepted = await AcceptAsync(adapter, channelName, accountId, request, envelope.Body);
        // The channel may answer each callback format in kind (WeChat Pay: XML to v2 notifies, JSON to v3).
        var reply = adapter.ReplyToCallback(accepted, request);
        return new CallbackReply(reply.StatusCode, reply.ContentType, reply.Body);
    }

    /// <summary>Verifies the callback and has its order or contract apply it; false when it was refused (and filed for review).</summary>
    private async Task<bool> AcceptAsync(IPaymentChannel adapter, string channelName, string accountId, ChannelCallbackRequest request, byte[] body)
    {
        var account = await accounts.GetAsync(channelName, accountId);
        if (account is null)
        {
            _letGo.Schedule(this, () => true); // the next callback for it asks the account again
            await review.RecordAsync(ReviewKinds.Callback, channelName, accountId, null, "ACCOUNT_NOT_FOUND", "Callback for an account that does not exist.", body);
            return false;
        }

        ChannelCallbackParseResult parsed;
        try
        {
            parsed = await adapter.ParseCallbackAsync(account.Opened, request, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An account that cannot be opened or a parser fault is still a refusal: logged for review, not acknowledged.
            parsed = ChannelCallbackParseResult.Rejected("CALLBACK_UNPROCESSABLE", $"{ex.GetType().Name}: {ex.Message}");
        }
        if (parsed.Refund is { } refund)
        {
            return await AcceptRefundAsync(channelName, accountId, refund, body);
        }
        if (parsed.Contract is { } contract)
        {
            return await AcceptContractAsync(channelName, accountId, contract, body);
        }
        if (parsed.Callback is not { } callback)
        {
            await review.RecordAsync(ReviewKinds.Callback, channelName, accountId, null, parsed.RejectionCode ?? "REJECTED", parsed.RejectionReason ?? "", body);
            return false;
        }
        if (!OrderId.IsValid(callback.OrderId))
        {
            await review.RecordAsync(ReviewKinds.Callback, channelName, accountId, callback.OrderId, "ORDER_NOT_FOUND", "The callback names no gateway order id.", body);
            return false;
        }
        if (ToReported(callback.State) is not { } reported)
        {
            return true; // nothing the order needs to hear (e.g. "not found"); acknowledge
        }

        var notice = new CallbackNotice(channelName, accountId, callback.OrderId, reported, callback.ChannelTradeNo, callback.Amount, callback.Currency, callback.PaidAt);
        return await SettledAsync(await GrainFactory.GetGrain<IOrderGrain>(callback.OrderId).HandleCallbackAsync(notice), channelName, accountId, callback.OrderId, body);
    }

    private async Task<bool> AcceptRefundAsync(string channelName, string accountId, ChannelRefundCallback refund, byte[] body)
    {
        if (!RefundId.TryParse(refund.RefundId, out var orderId) || orderId != refund.OrderId)
        {
            await review.RecordAsync(ReviewKinds.Callback, channelName, accountId, refund.OrderId, "REFUND_NOT_FOUND", "The refund notification names no gateway refund id of its order.", body);
            return false;
        }
        FundsStatus? status = refund.State switch
        {
            ChannelFundsState.Succeeded => FundsStatus.Succeeded,
            ChannelFundsState.Failed => FundsStatus.Failed,
            ChannelFundsState.Pending => FundsStatus.Pending,
            _ => null,
        };
        if (status is null)
        {
            return true; // nothing the order needs to hear; acknowledge
        }
        var notice = new RefundCallbackNotice(channelName, accountId, refund.RefundId, orderId, status.Value, refund.ChannelRefundNo, refund.Amount, refund.Currency, refund.SucceededAt, refund.ErrorCode);
        return await SettledAsync(await GrainFactory.GetGrain<IOrderGrain>(orderId).HandleRefundCallbackAsync(notice), channelName, accountId, orderId, body);
    }

    private async Task<bool> AcceptContractAsync(string channelName, string accountId, ChannelContractCallback contract, byte[] body)
    {
        if (!ContractId.IsValid(contract.ContractId))
        {
            await review.RecordAsync(ReviewKinds.Callback, channelName, accountId, contract.ContractId, "CONTRACT_NOT_FOUND", "The contract notification names no gateway contract id.", body);
            return false;
        }
        ReportedContractState? reported = contract.State switch
        {
            ChannelContractState.Signed => ReportedContractState.Signed,
            ChannelContractState.Terminated => ReportedContractState.Terminated,
            _ => null,
        };
        if (reported is null)
        {
            return true; // nothing the contract needs to hear; acknowledge
        }
        var notice = new ContractCallbackNotice(channelName, accountId, contract.ContractId, reported.Value, contract.ChannelContractNo, contract.At);
        return await SettledAsync(await GrainFactory.GetGrain<ISignGrain>(contract.ContractId).HandleCallbackAsync(notice), channelName, accountId, contract.ContractId, body);
    }

    /// <summary>What the order or contract answered: a refusal is filed for review and not acknowledged.</summary>
    private async Task<bool> SettledAsync(CallbackOutcome outcome, string channelName, string accountId, string subjectId, byte[] body)
    {
        if (!outcome.Accepted)
        {
            await review.RecordAsync(ReviewKinds.Callback, channelName, accountId, subjectId, outcome.RejectionCode!, outcome.Detail ?? "", body);
            return false;
        }
        metrics.CallbackAccepted(channelName);
        return true;
    }

    private static ReportedPaymentState? ToReported(ChannelTradeState state) => state switch
    {
        ChannelTradeState.Pending => ReportedPaymentState.Pending,
        ChannelTradeState.Succeeded => ReportedPaymentState.Succeeded,
        ChannelTradeState.Closed => ReportedPaymentState.Closed,
        ChannelTradeState.Failed => ReportedPaymentState.Failed,
        _ => null,
    };
}
