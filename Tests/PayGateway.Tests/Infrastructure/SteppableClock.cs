namespace PayGateway.Tests.Infrastructure;

/// <summary>A clock tests can move in either direction (FakeTimeProvider refuses to go back; real clocks do).</summary>
public sealed class SteppableClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now) => _now = now;

    public void Advance(TimeSpan by) => _now += by;
}
