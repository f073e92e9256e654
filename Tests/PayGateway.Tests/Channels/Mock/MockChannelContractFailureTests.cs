using System.Net.Http.Json;
using System.Text.Json;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.Records;
using PayGateway.Channels;
using Xunit;

namespace PayGateway.Tests.Channels.Mock;

/// <summary>Misbehaving channel on contract calls: nothing but a definitive, verified answer may be believed.</summary>
public sealed class MockChannelContractFailureTests : IAsyncLifetime
{
    private MockChannelHarness _h = null!;

    public async Task InitializeAsync() => _h = await MockChannelHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string ContractId(int n) => $"C20261126125300123EE01{n:D3}";

    private static string Order(int n) => $"20261126125300123FF01{n:D3}";

    [Fact]
    public async Task TimeoutOnStartSigning_IsUnknownThenQueryPending()
    {
        var contract = MockChannelHarness.Contract(ContractId(1));
        _h.Simulator.SetBehaviour(contract.ContractId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.ContractCreate] });

        var started = await _h.Channel.StartSigningAsync(_h.Account, contract, default);
        var query = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contract.ContractId, null), default);

        Assert.Equal((ChannelOutcome.Unknown, "CHANNEL_UNKNOWN"), (started.Outcome, started.ErrorCode));
        Assert.Null(started.SignData);
        Assert.Equal(ChannelContractState.Pending, query.State);
    }

    [Fact]
    public async Task TimeoutAfterDeduction_IsUnknownThenQuerySucceededAndRetryChargesNoMore()
    {
        var contractId = ContractId(2);
        var number = await _h.SignedContractAsync(contractId);
        var deduction = MockChannelHarness.Deduction(Order(1), contractId, number);
        _h.Simulator.SetBehaviour(deduction.OrderId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.Deduct], Times = 1 });

        var lost = await _h.Channel.DeductAsync(_h.Account, deduction, default);
        var query = await _h.Channel.QueryDeductionAsync(_h.Account, deduction, default);
        var retried = await _h.Channel.DeductAsync(_h.Account, deduction, default);

        Assert.Equal(ChannelOutcome.Unknown, lost.Outcome);
        Assert.Equal(ChannelTradeState.Succeeded, query.State);
        Assert.Equal((ChannelOutcome.Succeeded, query.ChannelTradeNo), (retried.Outcome, retried.ChannelTradeNo));
        Assert.Equal(1, _h.Simulator.ChargeCount(deduction.OrderId));
        Assert.Equal(2, _h.Simulator.RecordsFor(deduction.OrderId).Count(r => r.Kind == RecordKind.Deduct));
    }

    [Fact]
    public async Task TimeoutAfterTerminate_IsUnknownThenQueryTerminated()
    {
        var contractId = ContractId(3);
        var number = await _h.SignedContractAsync(contractId);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { TimeoutAfterCharge = true, Operations = [SimulatorOperation.ContractTerminate] });

        var lost = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef(contractId, number), null, default);
        var query = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, number), default);

        Assert.Equal(ChannelContractState.Unknown, lost.State);
        Assert.Equal(ChannelContractState.Terminated, query.State);
    }

    [Fact]
    public async Task BadSignatureOnEveryContractCall_IsUnknown()
    {
        var contractId = ContractId(4);
        var number = await _h.SignedContractAsync(contractId);
        var deduction = MockChannelHarness.Deduction(Order(2), contractId, number);
        _h.Simulator.SetBehaviour(new SimulatorBehaviour { BadSignature = true });

        var started = await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(ContractId(5)), default);
        var query = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, number), default);
        var deducted = await _h.Channel.DeductAsync(_h.Account, deduction, default);
        var deductionQuery = await _h.Channel.QueryDeductionAsync(_h.Account, deduction, default);
        var terminated = await _h.Channel.TerminateContractAsync(_h.Account, new ChannelContractRef(contractId, number), null, default);
        _h.Simulator.ClearBehaviours();
        var honest = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, number), default);

        Assert.Equal(ChannelOutcome.Unknown, started.Outcome);
        Assert.Equal(ChannelContractState.Unknown, query.State);
        Assert.Equal(ChannelOutcome.Unknown, deducted.Outcome);
        Assert.Equal(ChannelTradeState.Unknown, deductionQuery.State);
        Assert.Equal(ChannelContractState.Unknown, terminated.State);
        // The badly signed answers hid what happened: the deduction charged and the contract ended.
        Assert.Equal(ChannelContractState.Terminated, honest.State);
        Assert.Equal(1, _h.Simulator.ChargeCount(deduction.OrderId));
    }

    [Fact]
    public async Task SlowChannelOnQuery_IsUnknown()
    {
        var contractId = ContractId(6);
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { DelayMs = 5000, Operations = [SimulatorOperation.ContractQuery] });

        var query = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, null), default);

        Assert.Equal(ChannelContractState.Unknown, query.State);
    }

    [Fact]
    public async Task FailOnDeduct_IsFailedWithCodeAndChargesNothing()
    {
        var contractId = ContractId(7);
        var number = await _h.SignedContractAsync(contractId);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { Fail = new SimulatorFailure("INSUFFICIENT_BALANCE", "No money"), Operations = [SimulatorOperation.Deduct] });

        var result = await _h.Channel.DeductAsync(_h.Account, MockChannelHarness.Deduction(Order(3), contractId, number), default);

        Assert.Equal((ChannelOutcome.Failed, "INSUFFICIENT_BALANCE", "No money"), (result.Outcome, result.ErrorCode, result.ErrorMessage));
        Assert.Equal(0, _h.Simulator.ChargeCount(Order(3)));
    }

    [Fact]
    public async Task FailOnContractQueryOrServerError_IsUnknown()
    {
        var contractId = ContractId(8);
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { Fail = new SimulatorFailure("SYSTEM_BUSY"), Operations = [SimulatorOperation.ContractQuery], Times = 1 });
        var refused = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, null), default);
        _h.Simulator.SetBehaviour(contractId, new SimulatorBehaviour { Fail = new SimulatorFailure("BOOM", HttpStatus: 500), Operations = [SimulatorOperation.ContractQuery] });
        var serverError = await _h.Channel.QueryContractAsync(_h.Account, new ChannelContractRef(contractId, null), default);

        Assert.Equal((ChannelContractState.Unknown, "SYSTEM_BUSY"), (refused.State, refused.ErrorCode));
        Assert.Equal((ChannelContractState.Unknown, "CHANNEL_UNKNOWN"), (serverError.State, serverError.ErrorCode));
    }

    [Fact]
    public async Task ControlEndpoints_SignAndTerminateOverHttpSendNotifications()
    {
        var contractId = ContractId(9);
        await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);
        using var http = new HttpClient { BaseAddress = _h.Simulator.BaseAddress };

        using var signed = await http.PostAsync($"mock/control/contracts/{contractId}/sign", null);
        using var signedAgain = await http.PostAsync($"mock/control/contracts/{contractId}/sign", null);
        using var terminated = await http.PostAsync($"mock/control/contracts/{contractId}/terminate?merchant_id={MockChannelHarness.MerchantId}", null);
        using var signAfterEnd = await http.PostAsync($"mock/control/contracts/{contractId}/sign", null);
        using var unknown = await http.PostAsync($"mock/control/contracts/{ContractId(10)}/sign", null);
        var notices = (await _h.Callbacks.WaitForAsync(2)).Select(r => r.Result.Contract!.State).ToList();

        Assert.Equal(200, (int)signed.StatusCode);
        Assert.Equal("Signed", (await signed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("AlreadySigned", (await signedAgain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal("TERMINATED", (await terminated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("contract").GetProperty("status").GetString());
        Assert.Equal(409, (int)signAfterEnd.StatusCode);
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal([ChannelContractState.Signed, ChannelContractState.Terminated], notices.Order());
    }

    [Fact]
    public async Task SignPage_ShowsSignButtonAndSignsAsThePayer()
    {
        var contractId = ContractId(11);
        var started = await _h.Channel.StartSigningAsync(_h.Account, MockChannelHarness.Contract(contractId), default);
        using var http = new HttpClient();

        var page = await http.GetStringAsync(started.SignData!.Content);
        using var signed = await http.PostAsync(started.SignData.Content + "/sign", null);
        var notice = (await _h.Callbacks.WaitForAsync(1)).Single().Result.Contract;

        Assert.Contains("id=\"sign\"", page, StringComparison.Ordinal);
        Assert.Contains(contractId, page, StringComparison.Ordinal);
        Assert.Equal(200, (int)signed.StatusCode);
        Assert.Equal(ChannelContractState.Signed, notice!.State);
    }
}
