using PayGateway.Api.Orders;
using PayGateway.Hosting;
using PayGateway.Recurring;

namespace PayGateway.Tests.Recurring;

/// <summary>Period arithmetic and the one-way contract status rules, without a database.</summary>
public sealed class ContractScheduleTests
{
    private static SignState Contract(string unit, int every, string first, int succeeded = 0, int? max = null, string status = "active") => new()
    {
        ContractId = "C20261127000000000AA01001",
        PeriodUnit = unit,
        PeriodEvery = every,
        FirstDeductionDate = first,
        DeductionsSucceeded = succeeded,
        MaxDeductions = max,
        Status = status,
    };

    [Theory]
    [InlineData("MONTH", 1, "2026-01-28", 1, "2026-01-28")]
    [InlineData("MONTH", 1, "2026-01-28", 2, "2026-02-28")]
    [InlineData("MONTH", 1, "2026-01-28", 13, "2027-01-28")]
    [InlineData("MONTH", 3, "2026-11-15", 2, "2027-02-15")]
    [InlineData("DAY", 7, "2026-12-30", 2, "2027-01-06")]
    [InlineData("DAY", 30, "2028-02-01", 2, "2028-03-02")]
    public void DueDate_AddsWholePeriodsFromTheFirstDate(string unit, int every, string first, int period, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), ContractSchedule.DueDate(Contract(unit, every, first), period));
    }

    private static StoredDeduction Attempt(int period, string status) => new() { Period = period, Attempt = 1, Status = status };

    [Fact]
    public void ChannelPlan_StaysOnAFailedPeriodAndAdvancesOnlyAfterASuccess()
    {
        var failedFirst = Contract("DAY", 30, "2026-12-01") with { Deductions = [Attempt(1, StoredDeduction.Failed), Attempt(1, StoredDeduction.Failed)] };
        var paidFirst = failedFirst with { Deductions = failedFirst.Deductions.Add(Attempt(1, StoredDeduction.Succeeded)) };

        Assert.Equal(1, ContractSchedule.ChannelPlanPeriod(failedFirst));
        Assert.True(ContractSchedule.PlanMoveNeeded(failedFirst, 2));
        Assert.False(ContractSchedule.PlanMoveNeeded(failedFirst, 1));
        Assert.Equal(2, ContractSchedule.ChannelPlanPeriod(paidFirst));
        Assert.False(ContractSchedule.PlanMoveNeeded(paidFirst, 2));
    }

    [Theory]
    [InlineData(StoredPlanMove.Moved, 3, false)]
    [InlineData(StoredPlanMove.Moved, 4, true)]
    [InlineData(StoredPlanMove.Pending, 3, true)]
    [InlineData(StoredPlanMove.Refused, 3, false)]
    [InlineData(StoredPlanMove.Refused, 4, true)]
    [InlineData(StoredPlanMove.NoPlan, 4, false)]
    public void PlanMoveNeeded_FollowsTheLastMoveAndItsAnswer(string moveStatus, int period, bool needed)
    {
        var contract = Contract("DAY", 30, "2026-12-01") with
        {
            Deductions = [Attempt(1, StoredDeduction.Failed)],
            PlanMove = new StoredPlanMove { Period = 3, Date = "2027-01-30", Status = moveStatus },
        };

        Assert.Equal(needed, ContractSchedule.PlanMoveNeeded(contract, period));
    }

    [Fact]
    public void DueAt_IsTheDateAtTheConfiguredBeijingTime()
    {
        var options = new RecurringOptions { DeductionTimeOfDay = TimeSpan.FromHours(9) };

        var due = ContractSchedule.DueAt(Contract("MONTH", 1, "2026-12-01"), 1, options);

        Assert.Equal(DateTimeOffset.Parse("2026-12-01T01:00:00Z"), due.ToUniversalTime());
    }

    [Fact]
    public void BeijingDate_TurnsAtSixteenUtc()
    {
        Assert.Equal(new DateOnly(2026, 11, 27), ContractSchedule.BeijingDate(DateTimeOffset.Parse("2026-11-27T15:59:59Z")));
        Assert.Equal(new DateOnly(2026, 11, 28), ContractSchedule.BeijingDate(DateTimeOffset.Parse("2026-11-27T16:00:00Z")));
    }

    [Fact]
    public void NextDeductionDate_IsNullOnceExhaustedOrFinal()
    {
        Assert.Equal(new DateOnly(2027, 1, 5), ContractSchedule.NextDeductionDate(Contract("MONTH", 1, "2026-12-05", succeeded: 1) with { NextPeriod = 2 }));
        Assert.Null(ContractSchedule.NextDeductionDate(Contract("MONTH", 1, "2026-12-05", succeeded: 3, max: 3) with { NextPeriod = 4 }));
        Assert.Null(ContractSchedule.NextDeductionDate(Contract("MONTH", 1, "2026-12-05", status: "terminated")));
    }

    [Theory]
    [InlineData(ContractStatus.Signing, ContractStatus.Active, true)]
    [InlineData(ContractStatus.Signing, ContractStatus.Closed, true)]
    [InlineData(ContractStatus.Signing, ContractStatus.Terminated, true)]
    [InlineData(ContractStatus.Active, ContractStatus.Terminated, true)]
    [InlineData(ContractStatus.Active, ContractStatus.Signing, false)]
    [InlineData(ContractStatus.Active, ContractStatus.Closed, false)]
    [InlineData(ContractStatus.Terminated, ContractStatus.Active, false)]
    [InlineData(ContractStatus.Closed, ContractStatus.Active, false)]
    [InlineData(ContractStatus.Closed, ContractStatus.Closed, true)]
    public void StatusMoves_AreOneWayAndFinalIsFinal(ContractStatus from, ContractStatus to, bool allowed)
    {
        Assert.Equal(allowed, from.CanMove(to));
    }

    [Fact]
    public void DeductionNumbers_AreContractPeriodAttemptAndReservedFromMerchants()
    {
        var number = ContractId.DeductionOutTradeNo("C20261127000000000AA01001", 12, 2);

        Assert.Equal("C20261127000000000AA01001-12-2", number);
        Assert.Matches(CreateOrderValidation.DeductionNumber(), number);
        Assert.DoesNotMatch(CreateOrderValidation.DeductionNumber(), "C-order-12-2");
    }
}
