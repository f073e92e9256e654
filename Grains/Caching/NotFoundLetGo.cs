namespace PayGateway.Caching;

/// <summary>
/// Lets an activation for a key that does not exist (a made-up app_id, channel account or channel name) go soon,
/// so keys that anyone can send do not hold activations until idle collection (15 minutes).
/// </summary>
/// <remarks>
/// Soon, not at once: calls queued at an activation that deactivates are forwarded to a new one, and if every
/// activation let go after its first call, a burst for one key was forwarded at each step past Orleans' limit (2)
/// and refused (a 503 instead of the merchant's 401). Here the activation serves everything queued for
/// <see cref="Delay"/>, a call that arrives as it goes is forwarded once to an activation that stays as long, and
/// the silos' caches answer "not found" in front of it meanwhile (<see cref="VersionedCache{TValue}"/>), so a made-up
/// key holds an activation for about <see cref="Delay"/> and reaches it about once per second per silo.
/// </remarks>
public sealed class NotFoundLetGo
{
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private IGrainTimer? _timer;

    /// <summary>
    /// Whether <paramref name="exists"/> holds now; when it does not, lets <paramref name="grain"/> go after
    /// <see cref="Delay"/> unless it holds by then (the key was configured meanwhile).
    /// </summary>
    public bool Exists(IGrainBase grain, Func<bool> exists)
    {
        if (exists())
        {
            return true;
        }
        Schedule(grain, () => !exists());
        return false;
    }

    /// <summary>Lets <paramref name="grain"/> go after <see cref="Delay"/> unless <paramref name="stillNotFound"/> is false by then.</summary>
    public void Schedule(IGrainBase grain, Func<bool> stillNotFound) =>
        _timer ??= grain.RegisterGrainTimer(() =>
        {
            if (stillNotFound())
            {
                grain.DeactivateOnIdle();
            }
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions { DueTime = Delay, Period = Timeout.InfiniteTimeSpan });
}
