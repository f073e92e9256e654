using System.Text.Json;

namespace PayGateway.Channels.Mock;

/// <summary>Refunds: POST /mock/v1/refunds and GET /mock/v1/refunds/{out_refund_no} (docs/channels/mock.md).</summary>
public sealed partial class MockChannel
{
    public async Task<ChannelRefundResult> RefundAsync(ChannelAccount account, ChannelRefundRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new RefundRequestWire(
            request.RefundId, request.OrderId, request.RefundAmount, request.Currency, request.Reason, account.NotifyUrl.AbsoluteUri), MockWire.Json);
        var response = await _api.SendAsync(account, HttpMethod.Post, "mock/v1/refunds", body, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelRefundResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return MockFundsErrors.IsRefusal(response.Status, error?.Code)
                ? new ChannelRefundResult(ChannelFundsState.Failed, ErrorCode: error!.Code, ErrorMessage: error.Message)
                : new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }
        return RefundFrom(account, response.Body, request.RefundId, request.OrderId, request.RefundAmount, request.Currency);
    }

    public async Task<ChannelRefundResult> QueryRefundAsync(ChannelAccount account, ChannelRefundQuery query, CancellationToken cancellationToken)
    {
        var response = await _api.SendAsync(account, HttpMethod.Get, "mock/v1/refunds/" + Uri.EscapeDataString(query.RefundId), null, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelRefundResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return (response.Status, error?.Code) is (404, "REFUND_NOT_FOUND")
                ? new ChannelRefundResult(ChannelFundsState.NotFound, ErrorCode: error!.Code, ErrorMessage: error.Message)
                : new ChannelRefundResult(ChannelFundsState.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }
        return RefundFrom(account, response.Body, query.RefundId, query.OrderId, query.RefundAmount, query.Currency);
    }

    // A refund answer counts only when it is about exactly the refund asked for: same numbers, merchant, amount, currency.
    private static ChannelRefundResult RefundFrom(ChannelAccount account, byte[] body, string refundId, string orderId, long amount, string currency)
    {
        var refund = MockWire.TryRead<RefundWire>(body);
        var state = MockWire.ParseFundsState(refund?.Status);
        if (refund is null || state is null || refund.OutRefundNo != refundId || refund.OutTradeNo != orderId
            || refund.MerchantId != account.RequiredSetting("merchant_id") || refund.Amount != amount || refund.Currency != currency
            || string.IsNullOrEmpty(refund.RefundNo))
        {
            return ChannelRefundResult.Unknown("The answer does not describe the requested refund.");
        }
        return state == ChannelFundsState.Failed
            ? new ChannelRefundResult(state.Value, refund.RefundNo, amount, currency, ErrorCode: "REFUND_FAILED", ErrorMessage: "The channel could not refund.")
            : new ChannelRefundResult(state.Value, refund.RefundNo, amount, currency, refund.SucceededAt);
    }
}
