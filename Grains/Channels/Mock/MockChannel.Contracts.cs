using System.Text.Json;

namespace PayGateway.Channels.Mock;

/// <summary>
/// Recurring-payment contracts: POST /mock/v1/contracts, GET /mock/v1/contracts/{contract_code}, POST …/terminate, and
/// deductions by POST /mock/v1/deductions, queried like any payment (docs/channels/mock.md, "Contracts").
/// </summary>
public sealed partial class MockChannel : IContractChannel
{
    private static readonly PayMethod[] ContractSignMethods = [PayMethod.WEB, PayMethod.WAP, PayMethod.APP, PayMethod.QR_CODE];

    /// <summary>Like its payments, the mock channel signs contracts in any ISO 4217 currency.</summary>
    public IReadOnlyCollection<string> ContractCurrencies => Currencies.Codes;

    public IReadOnlyCollection<PayMethod> SignMethods => ContractSignMethods;

    public async Task<ChannelSignResult> StartSigningAsync(ChannelAccount account, ChannelSignRequest request, CancellationToken cancellationToken)
    {
        if (!ContractSignMethods.Contains(request.Method))
        {
            // Never sent, so certainly no contract came to be.
            return new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: "SIGN_METHOD_UNSUPPORTED", ErrorMessage: $"The mock channel cannot sign by {request.Method}.");
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(new CreateContractWire(
            request.ContractId, request.Method.ToString(), request.Currency, request.AmountPerDeduction, request.MaxDeductions,
            request.Period.Unit, request.Period.Every, request.Period.FirstDeductionDate, request.DisplayAccount, account.NotifyUrl.AbsoluteUri,
            request.ReturnUrl, request.ExpiresAt.ToUniversalTime()), MockWire.Json);
        var response = await _api.SendAsync(account, HttpMethod.Post, "mock/v1/contracts", body, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelSignResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            // A code conflict means the number is already a contract with other terms, which may be signed: not a refusal.
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return error is { Code: { Length: > 0 } code } && code != "CONTRACT_CODE_CONFLICT" && response.Status is >= 400 and < 500
                ? new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: code, ErrorMessage: error.Message)
                : new ChannelSignResult(ChannelOutcome.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }

        var contract = ContractFrom(account, response.Body, request.ContractId);
        if (contract is null || contract.Currency != request.Currency || contract.AmountPerDeduction != request.AmountPerDeduction)
        {
            return ChannelSignResult.Unknown("The answer does not describe the requested contract.");
        }
        return MockContractStates.Parse(contract.Status) switch
        {
            // A repeat after the payer signed still shows the same page (it says "signed"); the query or notification brings the rest.
            ChannelContractState.Pending or ChannelContractState.Signed => SignDataFor(request.Method, contract) is { } signData
                ? new ChannelSignResult(ChannelOutcome.Accepted, signData)
                : ChannelSignResult.Unknown("The contract came without what the payer needs to sign."),
            ChannelContractState.Terminated => new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: "CONTRACT_TERMINATED", ErrorMessage: "The contract has ended."),
            ChannelContractState.NotFound => new ChannelSignResult(ChannelOutcome.Failed, ErrorCode: "CONTRACT_EXPIRED", ErrorMessage: "The contract was not signed in time."),
            _ => ChannelSignResult.Unknown($"Unexpected status '{contract.Status}'."),
        };
    }

    public Task<ChannelContractResult> QueryContractAsync(ChannelAccount account, ChannelContractRef contract, CancellationToken cancellationToken) =>
        ContractCallAsync(account, HttpMethod.Get, ContractPath(contract.ContractId), null, contract.ContractId, cancellationToken);

    public Task<ChannelContractResult> TerminateContractAsync(ChannelAccount account, ChannelContractRef contract, string? reason, CancellationToken cancellationToken) =>
        ContractCallAsync(account, HttpMethod.Post, ContractPath(contract.ContractId) + "/terminate",
            JsonSerializer.SerializeToUtf8Bytes(new TerminateContractWire(reason), MockWire.Json), contract.ContractId, cancellationToken);

    public async Task<ChannelPaymentResult> DeductAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new DeductWire(
            request.OrderId, request.ChannelContractNo, request.Amount, request.Currency, request.Subject, account.NotifyUrl.AbsoluteUri), MockWire.Json);
        var response = await _api.SendAsync(account, HttpMethod.Post, "mock/v1/deductions", body, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelPaymentResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            // OUT_TRADE_NO_CONFLICT: the order id already names another payment, which may have taken money.
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return error is { Code: { Length: > 0 } code } && code != "OUT_TRADE_NO_CONFLICT" && response.Status is >= 400 and < 500
                ? new ChannelPaymentResult(ChannelOutcome.Failed, ErrorCode: code, ErrorMessage: error.Message)
                : new ChannelPaymentResult(ChannelOutcome.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }

        var deduction = MockWire.TryRead<DeductionWire>(response.Body);
        if (deduction is null || deduction.OutTradeNo != request.OrderId || deduction.MerchantId != account.RequiredSetting("merchant_id")
            || deduction.ContractId != request.ChannelContractNo || deduction.Amount != request.Amount || deduction.Currency != request.Currency
            || string.IsNullOrEmpty(deduction.TradeNo))
        {
            return ChannelPaymentResult.Unknown("The answer does not describe the requested deduction.");
        }
        return MockWire.ParseState(deduction.Status) switch
        {
            ChannelTradeState.Pending => new ChannelPaymentResult(ChannelOutcome.Accepted, deduction.TradeNo, new PayData("none", "")),
            ChannelTradeState.Succeeded => new ChannelPaymentResult(ChannelOutcome.Succeeded, deduction.TradeNo, new PayData("none", ""), PaidAt: deduction.PaidAt),
            ChannelTradeState.Failed => new ChannelPaymentResult(ChannelOutcome.Failed, deduction.TradeNo, ErrorCode: "TRADE_FAILED", ErrorMessage: "The channel declined the deduction."),
            ChannelTradeState.Closed => new ChannelPaymentResult(ChannelOutcome.Failed, deduction.TradeNo, ErrorCode: "TRADE_CLOSED", ErrorMessage: "The deduction is closed."),
            _ => ChannelPaymentResult.Unknown($"Unexpected status '{deduction.Status}'."),
        };
    }

    /// <summary>A deduction is a trade at the mock channel: the payment query tells its truth.</summary>
    public Task<ChannelQueryResult> QueryDeductionAsync(ChannelAccount account, ChannelDeductionRequest request, CancellationToken cancellationToken) =>
        QueryPaymentAsync(account, request.OrderId, cancellationToken);

    /// <summary>The mock channel charges a contract on any day: it keeps no plan to move.</summary>
    public Task<ChannelPlanResult> MoveDeductionPlanAsync(ChannelAccount account, ChannelContractRef contract, DateOnly date, CancellationToken cancellationToken) =>
        Task.FromResult(ChannelPlanResult.NoPlan);

    // Query and terminate answer the same contract object; CONTRACT_NOT_FOUND is the channel's verified "no such contract".
    private async Task<ChannelContractResult> ContractCallAsync(
        ChannelAccount account, HttpMethod method, string path, byte[]? body, string contractId, CancellationToken cancellationToken)
    {
        var response = await _api.SendAsync(account, method, path, body, cancellationToken);
        if (response.IsUnknown)
        {
            return ChannelContractResult.Unknown(response.UnknownReason!);
        }
        if (response.Status != 200)
        {
            var error = MockWire.TryRead<ErrorWire>(response.Body);
            return (response.Status, error?.Code) is (404, "CONTRACT_NOT_FOUND")
                ? new ChannelContractResult(ChannelContractState.NotFound, ErrorCode: error!.Code, ErrorMessage: error.Message)
                : new ChannelContractResult(ChannelContractState.Unknown, ErrorCode: error?.Code ?? "CHANNEL_UNKNOWN", ErrorMessage: error?.Message ?? $"HTTP {response.Status}.");
        }
        var contract = ContractFrom(account, response.Body, contractId);
        var state = MockContractStates.Parse(contract?.Status);
        if (contract is null || state is null)
        {
            return ChannelContractResult.Unknown("The answer does not describe the requested contract.");
        }
        if (state == ChannelContractState.Signed && string.IsNullOrEmpty(contract.ContractId))
        {
            // Signed without the channel's number is not the documented answer, and no deduction could be made with it.
            return ChannelContractResult.Unknown("The signed contract came without its contract_id.");
        }
        return new ChannelContractResult(state.Value, contract.ContractId, contract.SignedAt, contract.TerminatedAt);
    }

    // A contract answer counts only when it is about exactly the contract asked for, at this merchant.
    private static ContractWire? ContractFrom(ChannelAccount account, byte[] body, string contractId) =>
        MockWire.TryRead<ContractWire>(body) is { } contract && contract.ContractCode == contractId && contract.MerchantId == account.RequiredSetting("merchant_id")
            ? contract
            : null;

    private static string ContractPath(string contractId) => "mock/v1/contracts/" + Uri.EscapeDataString(contractId);

    private static PayData? SignDataFor(PayMethod method, ContractWire contract) => method switch
    {
        PayMethod.QR_CODE when !string.IsNullOrEmpty(contract.QrCode) => new PayData("qr_code", contract.QrCode),
        PayMethod.WEB or PayMethod.WAP when !string.IsNullOrEmpty(contract.SignUrl) => new PayData("redirect_url", contract.SignUrl),
        PayMethod.APP when contract.AppParams is { ValueKind: JsonValueKind.Object } p => new PayData("app_params", p.GetRawText()),
        _ => null,
    };
}
