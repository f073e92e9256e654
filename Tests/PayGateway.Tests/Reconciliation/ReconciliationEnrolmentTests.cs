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

        // The enrolment was queued behind the pass and landed after it: the next pass reconciles the new account's days.
        await scheduler.RunDueAsync();
        Assert.True(await fixture.Database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM paygw_recon_run WHERE channel = 'mock' AND account_id = 'mock-late-1'") > 0);
    }
}
