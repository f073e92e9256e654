namespace PayGateway.Channels.Mock;

/// <summary>Verifies and decodes a mock callback. Pure: checks the signature and shape, changes nothing.</summary>
internal static class MockCallbackParser
{
    public static ChannelCallbackParseResult Parse(ChannelAccount account, ChannelCallbackRequest request, DateTimeOffset now)
    {
        var merchantId = account.RequiredSetting("merchant_id");
        var key = account.RequiredSecret("hmac_key");

        if (Header(request, MockSignature.MerchantHeader) != merchantId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "Mock-Merchant-Id is missing or not this account's merchant.");
        }
        var timestamp = Header(request, MockSignature.TimestampHeader);
        if (!MockSignature.IsFresh(timestamp, now))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_TIMESTAMP", "Mock-Timestamp is missing or more than 300 s off.");
        }
        if (!MockSignature.VerifyBody(key, timestamp, request.Body.Span, Header(request, MockSignature.SignatureHeader)))
        {
            return ChannelCallbackParseResult.Rejected("INVALID_SIGNATURE", "Mock-Signature does not match the body.");
        }

        switch (MockWire.TryRead<CallbackTypeWire>(request.Body.Span)?.Type)
        {
            case "refund":
                return ParseRefund(request.Body.Span, merchantId);
            case "contract":
                return ParseContract(request.Body.Span, merchantId);
            case null or "payment":
                break;
            default:
                return ChannelCallbackParseResult.Rejected("MALFORMED_CALLBACK", "The callback has an unknown type.");
        }

        var body = MockWire.TryRead<CallbackWire>(request.Body.Span);
        var state = MockWire.ParseState(body?.Status);
        if (body is not { OutTradeNo.Length: > 0, Amount: { } amount, Currency.Length: > 0, MerchantId.Length: > 0 }
            || state is null or ChannelTradeState.NotFound)
        {
            return ChannelCallbackParseResult.Rejected("MALFORMED_CALLBACK", "The callback body is not the documented JSON.");
        }
        if (body.MerchantId != merchantId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The callback is for another merchant.");
        }
        return ChannelCallbackParseResult.Accepted(new ChannelCallback(
            body.OutTradeNo, state.Value, body.TradeNo, amount, body.Currency, body.MerchantId, body.PaidAt, body.EventId));
    }

    // Called only after the signature checked out.
    private static ChannelCallbackParseResult ParseRefund(ReadOnlySpan<byte> json, string merchantId)
    {
        var body = MockWire.TryRead<RefundWire>(json);
        var state = MockWire.ParseFundsState(body?.Status);
        if (body is not { OutRefundNo.Length: > 0, OutTradeNo.Length: > 0, Amount: { } amount, Currency.Length: > 0, MerchantId.Length: > 0 } || state is null)
        {
            return ChannelCallbackParseResult.Rejected("MALFORMED_CALLBACK", "The refund callback body is not the documented JSON.");
        }
        if (body.MerchantId != merchantId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The callback is for another merchant.");
        }
        return ChannelCallbackParseResult.AcceptedRefund(new ChannelRefundCallback(
            body.OutRefundNo, body.OutTradeNo, state.Value, body.RefundNo, amount, body.Currency, body.MerchantId, body.SucceededAt, body.EventId));
    }

    // Called only after the signature checked out. Only the two documented events: a contract that is signed or has ended.
    private static ChannelCallbackParseResult ParseContract(ReadOnlySpan<byte> json, string merchantId)
    {
        var body = MockWire.TryRead<ContractCallbackWire>(json);
        var state = (body?.EventType, body?.Status) switch
        {
            ("contract.signed", "SIGNED") => ChannelContractState.Signed,
            ("contract.terminated", "TERMINATED") => ChannelContractState.Terminated,
            _ => (ChannelContractState?)null,
        };
        if (body is not { ContractCode.Length: > 0, MerchantId.Length: > 0, EventId.Length: > 0, Time: { } time } || state is null
            || (state == ChannelContractState.Signed && string.IsNullOrEmpty(body.ContractId)))
        {
            return ChannelCallbackParseResult.Rejected("MALFORMED_CALLBACK", "The contract notification body is not the documented JSON.");
        }
        if (body.MerchantId != merchantId)
        {
            return ChannelCallbackParseResult.Rejected("MERCHANT_MISMATCH", "The callback is for another merchant.");
        }
        return ChannelCallbackParseResult.AcceptedContract(new ChannelContractCallback(
            body.ContractCode, state.Value, body.ContractId, body.MerchantId, time, body.EventId));
    }

    // Header names are case-insensitive whatever dictionary the caller built.
    private static string? Header(ChannelCallbackRequest request, string name)
    {
        if (request.Headers.TryGetValue(name, out var value))
        {
            return value;
        }
        return request.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
    }
}
