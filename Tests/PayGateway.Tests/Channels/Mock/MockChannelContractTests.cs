using System.Text;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>Contracts and deductions through the real MockChannel against the in-process simulator.</summary>
public sealed class MockChannelContractTests : IAsyncLifetime
{
    private MockChannelHarness _h = null!;

    public async Task InitializeAsync() => _h = await MockChannelHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    // The gateway's shapes: a contract id is C + 24 characters, an order id 24 characters.
    private static string ContractId(int n) => $"C20261126125300123CC01{n:D3}";

    private static string Order(int n) => $"20261126125300123DD01{n:D3}";

    private static ChannelContractRef Ref(string contractId) => new(contractId, null);

    private int Charges(string orderId) => _h.Simulator.ChargeCount(orderId, MockChannelHarness.MerchantId);

    [Fact]
    public async Task StartSigningRepeated_ReturnsTheSameSignUrlAndOneContract()
    {
        var contract = MockChannelHarness.Contract(ContractId(1));

        var first = await _h.Channel.StartSigningAsync(_h.Account, contract, default);
        var again = await _h.Channel.StartSigningAsync(_h.Account, contract, default);
        var query = await _h.Channel.QueryContractAsync(_h.Account, Ref(contract.ContractId), default);

        Assert.Equal(ChannelOutcome.Accepted, first.Outcome);
        Assert.Equal("redirect_url", first.SignData!.Kind);
        Assert.StartsWith(_h.Simulator.BaseAddress.AbsoluteUri, first.SignData.Content, StringComparison.Ordinal);
        Assert.Equal(first.SignData, again.SignData);
        Assert.Equal(ChannelContractState.Pending, query.State);
        Assert.Null(query.ChannelContractNo); // the channel numbers a contract only once it is signed
        Assert.Equal(2, _h.Simulator.Records.Count(r => r.Kind == RecordKind.ContractCreate && r.OutTradeNo == contract.ContractId));
        Assert.Equal((1000L, 3), (_h.Simulator.Contracts.Find(contract.ContractId)!.AmountPerDeduction, _h.Simulator.Contracts.Find(contract.ContractId)!.MaxDeductions));
    }

    [Theory]
    [InlineData(PayMethod.QR_CODE, "qr_code")]
    [InlineData(PayMethod.APP, "app_params")]
    [InlineData(PayMethod.WAP, "redirect_url")]
    public async Task StartSigningByMethod_GivesThatMethodsSignData(PayMethod method, string kind)
    {
        var result = await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(ContractId(2), method), default);

        Assert.Equal(ChannelOutcome.Accepted, result.Outcome);
        Assert.Equal(kind, result.SignData!.Kind);
        Assert.False(string.IsNullOrEmpty(result.SignData.Content));
    }

    [Fact]
    public async Task StartSigningWithOtherTermsForSameContractId_IsUnknownNotFailed()
    {
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(ContractId(3)), default);

        // The number is already a contract the payer may have signed: the conflict proves nothing was refused.
        var result = await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(ContractId(3), amountPerDeduction: 2000), default);

        Assert.Equal((ChannelOutcome.Unknown, "CONTRACT_CODE_CONFLICT"), (result.Outcome, result.ErrorCode));
    }

    [Fact]
    public async Task PayerSigns_NotificationParsedAsSignedAndQuerySignedWithChannelNumber()
    {
        var contractId = ContractId(4);
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);

        var (outcome, signed) = _h.Simulator.Contracts.Sign(contractId);
        var notification = (await _h.Callbacks.WaitForAsync(1)).Single().Result.Contract;
        var ack = await _h.Simulator.WaitForRecordAsync(r => r.Kind == RecordKind.CallbackSent && r.OutTradeNo == contractId, TimeSpan.FromSeconds(5));
        var query = await _h.Channel.QueryContractAsync(_h.Account, Ref(contractId), default);

        Assert.Equal(ContractSignOutcome.Signed, outcome);
        Assert.NotNull(notification);
        Assert.Equal((contractId, ChannelContractState.Signed, signed.ContractId), (notification.ContractId, notification.State, notification.ChannelContractNo));
        Assert.Equal(MockChannelHarness.MerchantId, notification.ChannelMerchantId);
        Assert.Equal(signed.SignedAt, notification.At);
        Assert.False(string.IsNullOrEmpty(notification.ChannelEventId));
        Assert.Equal("ACK", ack.Result);
        Assert.Equal((ChannelContractState.Signed, signed.ContractId, signed.SignedAt), (query.State, query.ChannelContractNo, query.SignedAt));
    }

    [Fact]
    public async Task SignedContract_DeductsOnceRefusesOverCapThenTerminatedRefusesDeductions()
    {
        var contractId = ContractId(5);
        var number = await _h.SignedContractAsync(contractId, amountPerDeduction: 1000);
        var deduction = MockChannelHarness.Deduction(Order(1), contractId, number, amount: 1000); // exactly the cap

        var paid = await _h.Channel.DeductAsync(_h.Account, deduction, default);
        var repeated = await _h.Channel.DeductAsync(_h.Account, deduction, default);
        var queried = await _h.Channel.QueryDeductionAsync(_h.Account, deduction, default);
        var overCap = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(2), contractId, number, amount: 1001), default);
        var terminated = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef(contractId, number), "merchant ended the plan", default);
        var afterTerminate = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, number), default);
        var refused = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(3), contractId, number, amount: 500), default);

        Assert.Equal(ChannelOutcome.Succeeded, paid.Outcome);
        Assert.NotNull(paid.PaidAt);
        Assert.Equal((ChannelOutcome.Succeeded, paid.ChannelTradeNo), (repeated.Outcome, repeated.ChannelTradeNo));
        Assert.Equal(1, Charges(Order(1)));
        Assert.Equal((ChannelTradeState.Succeeded, 1000L, "CNY"), (queried.State, queried.Amount, queried.Currency));
        Assert.Equal((ChannelOutcome.Failed, "AMOUNT_EXCEEDS_LIMIT"), (overCap.Outcome, overCap.ErrorCode));
        Assert.Equal(0, Charges(Order(2)));
        Assert.Equal((ChannelContractState.Terminated, number), (terminated.State, terminated.ChannelContractNo));
        Assert.NotNull(terminated.TerminatedAt);
        Assert.Equal(ChannelContractState.Terminated, afterTerminate.State);
        Assert.Equal((ChannelOutcome.Failed, "CONTRACT_TERMINATED"), (refused.Outcome, refused.ErrorCode));
        Assert.Equal(0, Charges(Order(3)));
        Assert.Equal(1000L, _h.Simulator.PaidTotal(MockChannelHarness.MerchantId));
    }

    [Fact]
    public async Task MerchantTerminates_NotificationParsedAsTerminatedAndRepeatStillTerminated()
    {
        var contractId = ContractId(6);
        var number = await _h.SignedContractAsync(contractId);

        var first = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef(contractId, number), null, default);
        var again = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef(contractId, number), null, default);
        var received = await _h.Callbacks.WaitForAsync(2);
        var terminatedNotice = received.Select(r => r.Result.Contract).Single(c => c?.State == ChannelContractState.Terminated);

        Assert.Equal(ChannelContractState.Terminated, first.State);
        Assert.Equal(ChannelContractState.Terminated, again.State);
        Assert.Equal((contractId, number), (terminatedNotice!.ContractId, terminatedNotice.ChannelContractNo));
        Assert.Single(_h.Simulator.Records, r => r.Kind == RecordKind.ContractTerminated && r.OutTradeNo == contractId && r.Result == "merchant");
    }

    [Fact]
    public async Task PayerTerminates_QueryTerminatedAndDeductionRefused()
    {
        var contractId = ContractId(7);
        var number = await _h.SignedContractAsync(contractId);

        _h.Simulator.Contracts.TerminateAsPayer(contractId);
        var query = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, number), default);
        var refused = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(4), contractId, number), default);

        Assert.Equal(ChannelContractState.Terminated, query.State);
        Assert.Equal((ChannelOutcome.Failed, "CONTRACT_TERMINATED"), (refused.Outcome, refused.ErrorCode));
    }

    [Fact]
    public async Task DeductBeforeSigning_IsFailedContractNotSigned()
    {
        var contractId = ContractId(8);
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);
        var simulatorNumber = _h.Simulator.Contracts.Find(contractId)!.ContractId;

        var result = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(5), contractId, simulatorNumber), default);

        Assert.Equal((ChannelOutcome.Failed, "CONTRACT_NOT_SIGNED"), (result.Outcome, result.ErrorCode));
        Assert.Equal(0, Charges(Order(5)));
    }

    [Fact]
    public async Task DeductionsBeyondMax_AreFailedDeductionsExhausted()
    {
        var contractId = ContractId(9);
        var number = await _h.SignedContractAsync(contractId, maxDeductions: 2);

        var one = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(6), contractId, number), default);
        var two = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(7), contractId, number), default);
        var three = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(8), contractId, number), default);

        Assert.Equal(ChannelOutcome.Succeeded, one.Outcome);
        Assert.Equal(ChannelOutcome.Succeeded, two.Outcome);
        Assert.Equal((ChannelOutcome.Failed, "DEDUCTIONS_EXHAUSTED"), (three.Outcome, three.ErrorCode));
        Assert.Equal(2, _h.Simulator.Contracts.Find(contractId)!.DeductionsUsed);
    }

    [Fact]
    public async Task AsyncDeduction_IsAcceptedThenPaymentCallbackAndQuerySucceeded()
    {
        var contractId = ContractId(10);
        var number = await _h.SignedContractAsync(contractId);
        var deduction = MockChannelHarness.Deduction(Order(9), contractId, number, amount: 700);
        // Long enough that the query right after the deduction still finds it processing on a busy machine.
        _h.Simulator.SetBehaviour(deduction.OrderId, new SimulatorBehaviour { AsyncDeduction = true, AsyncDeductionDelayMs = 1500, Operations = [SimulatorOperation.Deduct] });

        var accepted = await _h.Channel.DeductAsync(_h.Account, deduction, default);
        var pendingQuery = await _h.Channel.QueryDeductionAsync(_h.Account, deduction, default);
        var callback = (await _h.Callbacks.WaitForAsync(2)).Select(r => r.Result.Callback).Single(c => c is not null);
        var settledQuery = await _h.Channel.QueryDeductionAsync(_h.Account, deduction, default);

        Assert.Equal(ChannelOutcome.Accepted, accepted.Outcome);
        Assert.Equal(ChannelTradeState.Pending, pendingQuery.State);
        Assert.Equal((deduction.OrderId, ChannelTradeState.Succeeded, accepted.ChannelTradeNo, 700L), (callback!.OrderId, callback.State, callback.ChannelTradeNo, callback.Amount));
        Assert.Equal(ChannelTradeState.Succeeded, settledQuery.State);
        Assert.Equal(1, Charges(deduction.OrderId));
    }

    [Fact]
    public async Task DeductionWithUsedOrderIdOfAPayment_IsUnknownAndChargesNothingMore()
    {
        var contractId = ContractId(11);
        var number = await _h.SignedContractAsync(contractId);
        await _h.PaidOrderAsync(Order(10), amount: 500);

        var result = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(10), contractId, number, amount: 500), default);

        Assert.Equal((ChannelOutcome.Unknown, "OUT_TRADE_NO_CONFLICT"), (result.Outcome, result.ErrorCode));
        Assert.Equal(1, Charges(Order(10)));
    }

    [Fact]
    public async Task QueryOfUnknownContract_IsNotFound()
    {
        var result = await _h.Channel.QueryContractAsync(_h.Account, Ref(ContractId(12)), default);

        Assert.Equal((ChannelContractState.NotFound, "CONTRACT_NOT_FOUND"), (result.State, result.ErrorCode));
    }

    [Fact]
    public async Task TamperedContractNotification_IsRejected()
    {
        var contractId = ContractId(13);
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);
        _h.Simulator.Contracts.Sign(contractId);
        var original = (await _h.Callbacks.WaitForAsync(1)).Single().Request;
        var tampered = original with { Body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(original.Body.Span).Replace("contract.signed", "contract.terminated", StringComparison.Ordinal).Replace("\"SIGNED\"", "\"TERMINATED\"", StringComparison.Ordinal)) };

        var result = await _h.Channel.ParseCallbackAsync(_h.Account, tampered, default);

        Assert.NotNull((await _h.Channel.ParseCallbackAsync(_h.Account, original, default)).Contract);
        Assert.NotEqual(original.Body.ToArray(), tampered.Body.ToArray());
        Assert.Null(result.Contract);
        Assert.Equal("INVALID_SIGNATURE", result.RejectionCode);
    }

    [Fact]
    public async Task BadlySignedContractNotification_IsRejectedThenResentHonestlyAndAcknowledged()
    {
        var contractId = ContractId(14);
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { BadSignature = true, Operations = [SimulatorOperation.Callback] });

        _h.Simulator.Contracts.Sign(contractId);
        var rejected = await _h.Callbacks.WaitForAsync(3); // one try + two retries in the harness
        _h.Simulator.ClearBehaviours();
        var resent = await _h.Simulator.Contracts.SendCallbackAsync(contractId);

        Assert.All(rejected.Take(3), r => Assert.Equal("INVALID_SIGNATURE", r.Result.RejectionCode));
        Assert.True(resent.Acknowledged);
        var accepted = _h.Callbacks.All.Last().Result.Contract;
        Assert.Equal((contractId, ChannelContractState.Signed), (accepted!.ContractId, accepted.State));
    }
}
