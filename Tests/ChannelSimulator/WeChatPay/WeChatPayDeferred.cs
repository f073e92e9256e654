namespace PayGateway.ChannelSimulator.WeChatPay;

/// <summary>
/// Runs work after a real-time delay, in the background (a refund or transfer ending after its processing time).
/// Work still waiting when the simulator stops is dropped.
/// </summary>
internal sealed class WeChatPayDeferred(IHostApplicationLifetime lifetime)
{
    public void After(TimeSpan delay, Action work) => _ = RunAsync(delay, work);

    private async Task RunAsync(TimeSpan delay, Action work)
    {
        try
        {
            await Task.Delay(delay, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        work();
    }
}
