using System.Diagnostics;
using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.Tests.Infrastructure;

namespace PayGateway.Tests.Reconciliation;

/// <summary>
/// Saving a channel account enrols it with the reconciliation scheduler, which may be in the middle of a pass (and a
/// pass opens accounts, so the save must not wait for it). Its own fixture: the pass here changes the scheduler's
/// state, which <see cref="ReconciliationDriftTests"/> counts on.
/// </summary>
public sealed class ReconciliationEnrolmentTests(ReconciliationFixture fixture) : IClassFixture<ReconciliationFixture>
{
    // Longer than the fixture's 3 s channel timeout: every statement download of a pass times out, and the pass stops
    // at each account's first such day, so a pass takes about 3 s per enrolled account.
    private const int StatementDelayMs = 4000;

    private async Task<TimeSpan> SaveAccountAsync(string accountId)
    {
        var took = Stopwatch.StartNew();
        var response = await fixture.SaveMockAccountAsync(accountId);
        took.Stop();
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return took.Elapsed;
    }

    private Task<long> EnrolmentRemindersAsync(string accountId) => fixture.Database.ScalarAsync<long>(
        "SELECT COUNT(*) FROM OrleansRemindersTable WHERE ReminderName = 'reconciliation-enrolment' AND GrainId LIKE @g", ("@g", $"%mock:{accountId}"));

    [Fact]
    public async Task AccountSavedWhileTheSchedulerIsIdle_EnrolledAndNoReminderLeft()
    {
        await SaveAccountAsync("mock-quiet-1");

        Assert.Equal(0, await EnrolmentRemindersAsync("mock-quiet-1"));
        await fixture.Grains.GetGrain<IReconciliationSchedulerGrain>(0).RunDueAsync();
        Assert.True(await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_recon_run WHERE channel = 'mock' AND account_id = 'mock-quiet-1'") > 0);
    }

    [Fact]
    public async Task RunThatThrowsForOneAccount_TheAccountsAfterItAreStillReconciled()
    {
        var scheduler = fixture.Grains.GetGrain<IReconciliationSchedulerGrain>(0);
        // Any run that throws: this enrolment's grain keys do not parse (channel:account:day), and it sorts first.
        await scheduler.EnrollAsync("mock", "a:broken");
        await SaveAccountAsync("mock-after-broken");

        await scheduler.RunDueAsync();

        Assert.True(await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_recon_run WHERE channel = 'mock' AND account_id = 'mock-after-broken' AND status = 'completed'") > 0);
    }

    [Fact]
    public async Task AccountSavedDuringASchedulerPass_SaveDoesNotWaitForThePassAndIsEnrolledAfterIt()
    {
        var scheduler = fixture.Grains.GetGrain<IReconciliationSchedulerGrain>(0);
        // With the fixture's account, four enrolled accounts with past days due: a pass of about 12 s below.
        foreach (var account in new[] { "mock-busy-1", "mock-busy-2", "mock-busy-3" })
        {
            await SaveAccountAsync(account);
        }
        fixture.Simulator.SetBehaviour(new SimulatorBehaviour { DelayMs = StatementDelayMs, Operations = [SimulatorOperation.Statement] });
        try
        {
            var pass = scheduler.RunDueAsync();
            await Task.Delay(1000);
            Assert.False(pass.IsCompleted);

            var took = await SaveAccountAsync("mock-late-1");

            // Before the fix the save waited for the whole pass (and, when the pass needed this account, until
            // Orleans' call timeout). It now waits at most two seconds for the enrolment.
            Assert.True(took < TimeSpan.FromSeconds(6), $"the save took {took.TotalMilliseconds:0} ms");
            Assert.False(pass.IsCompleted, "the pass ended before the save returned");
            await pass;
        }
        finally
        {
            fixture.Simulator.ClearBehaviours();
        }

        // Not confirmed within the save's wait: the enrolment reminder stays until the scheduler confirms one. (Past
        // Orleans' call timeout a queued enrolment is dropped, so the queued call alone is not enough.)
        Assert.Equal(1, await EnrolmentRemindersAsync("mock-late-1"));
        await fixture.Grains.GetGrain<IChannelAccountGrain>("mock:mock-late-1").AsReference<IRemindable>()
            .ReceiveReminder("reconciliation-enrolment", default);
        Assert.Equal(0, await EnrolmentRemindersAsync("mock-late-1"));

        // The next pass reconciles the new account's days.
        await scheduler.RunDueAsync();
        Assert.True(await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_recon_run WHERE channel = 'mock' AND account_id = 'mock-late-1'") > 0);
    }
}
