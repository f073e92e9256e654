using System.Text.Json;

namespace PayGateway.Channels.Mock;

/// <summary>Transfers: POST /mock/v1/transfers and GET /mock/v1/transfers/{out_transfer_no} (docs/channels/mock.md).</summary>
public sealed partial class MockChannel
{
    private static readonly string[] MockPayeeTypes = [PayGateway.PayeeTypes.MockAccount];

    public IReadOnlyCollection<string> PayeeTypes => MockPayeeTypes;

    /// <summary>The mock channel takes any ISO 4217 currency, for payouts as for payments.</summary>
    public IReadOnlyCollection<string> TransferCurrencies => Currencies.Codes;

    public async Task<ChannelTransferResult> TransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken)
    {
        if (request.PayeeType != PayGateway.PayeeTypes.MockAccount)
        {
            // Never sent, so certainly nothing moved.
            return new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: "PAYEE_TYPE_UNSUPPORTED", ErrorMessage: $"The mock channel pays only to {PayGateway.PayeeTypes.MockAccount}.");
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new TransferRequestWire(
            request.TransferId, request.PayeeType, request.PayeeAccount, request.PayeeName, request.Amount, request.Currency, request.Remark), MockWire.Json);
        var response = await _api.SendAsync(account, HttpMethod.Post, "mock/v1/transfers", body, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelTransferResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return MockFundsErrors.IsRefusal(response.Status, error?.Code)
                ? new ChannelTransferResult(ChannelFundsState.Failed, ErrorCode: error!.Code, ErrorMessage: error.Message)
                : new ChannelTransferResult(ChannelFundsState.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }
        return TransferFrom(account, response.Body, request);
    }

    public async Task<ChannelTransferResult> QueryTransferAsync(ChannelAccount account, ChannelTransferRequest request, CancellationToken cancellationToken)
    {
        var response = await _api.SendAsync(account, HttpMethod.Get, "mock/v1/transfers/" + Uri.EscapeDataString(request.TransferId), null, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelTransferResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return (response.Status, error?.Code) is (404, "TRANSFER_NOT_FOUND")
                ? new ChannelTransferResult(ChannelFundsState.NotFound, ErrorCode: error!.Code, ErrorMessage: error.Message)
                : new ChannelTransferResult(ChannelFundsState.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }
        return TransferFrom(account, response.Body, request);
    }

    // A transfer answer counts only when it is about exactly the transfer asked for: same number, merchant, amount, currency.
    private static ChannelTransferResult TransferFrom(ChannelAccount account, byte[] body, ChannelTransferRequest request)
    {
        var transfer = MockWire.TryRead<TransferWire>(body);
        var state = MockWire.ParseFundsState(transfer?.Status);
        if (transfer is null || state is null || transfer.OutTransferNo != request.TransferId || transfer.MerchantId != account.RequiredSetting("merchant_id")
            || transfer.Amount != request.Amount || transfer.Currency != request.Currency || string.IsNullOrEmpty(transfer.TransferNo))
        {
            return ChannelTransferResult.Unknown("The answer does not describe the requested transfer.");
        }
        return state == ChannelFundsState.Failed
            ? new ChannelTransferResult(state.Value, transfer.TransferNo, ErrorCode: transfer.FailReason ?? "TRANSFER_FAILED", ErrorMessage: "The channel refused the transfer.")
            : new ChannelTransferResult(state.Value, transfer.TransferNo, transfer.SucceededAt);
    }
}
