namespace PayGateway.Hosting;

/// <summary>Supervision of open orders. Bound from <c>Gateway:Supervision</c>.</summary>
public sealed class SupervisionOptions
{
    public const string SectionName = "Gateway:Supervision";

    /// <summary>How many supervisor shards split the due orders between them.</summary>
    public int Shards { get; set; } = 8;

    /// <summary>How often an active shard looks for due orders (reminders alone cannot tick faster than a minute).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most orders one sweep wakes; the rest wait for the next sweep.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How many orders one sweep wakes at once.</summary>
    public int Parallelism { get; set; } = 16;

    /// <summary>Delays between channel queries of an open order; the last repeats until expiry.</summary>
    public static readonly TimeSpan[] DefaultCheckDelays =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)];

    /// <summary>Configured delays; empty means <see cref="DefaultCheckDelays"/>. (No list initialiser: the configuration binder appends to one.)</summary>
    public List<TimeSpan> CheckDelays { get; set; } = [];

    /// <summary>Retry delay when expiry could not close the order at the channel (no answer).</summary>
    public TimeSpan ExpiryRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Merchant webhooks. Bound from <c>Gateway:Notifications</c>.</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Gateway:Notifications";

    /// <summary>
    /// Delays before each retry (the first attempt is immediate): 30 s, 30 s, 2 min, 4 min, 8 min, 20 min, 1 h,
    /// 2 h, 12 h, 24 h, 48 h — twelve attempts over about 3.6 days.
    /// </summary>
    public static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4),
        TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(20), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
        TimeSpan.FromHours(12), TimeSpan.FromHours(24), TimeSpan.FromHours(48),
    ];

    /// <summary>Configured delays; empty means <see cref="DefaultRetryDelays"/>.</summary>
    public List<TimeSpan> RetryDelays { get; set; } = [];

    /// <summary>Each delay is stretched or shrunk by up to this fraction so retries from many orders spread out.</summary>
    public double Jitter { get; set; } = 0.1;

    /// <summary>How long one delivery attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The daily reconciliation against channel statements (docs/reconciliation.md).</summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "Gateway:Reconciliation";

    /// <summary>Whether the scheduler runs reconciliations by itself (operators can always run one through the admin API).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long after the end of a statement day (at the channel's offset) its statement is fetched: Alipay and WeChat
    /// Pay publish T+1 between about 09:00 and 10:00, so 10 hours after midnight.
    /// </summary>
    public TimeSpan RunAfterDayEnd { get; set; } = TimeSpan.FromHours(10);

    /// <summary>
    /// How far back a newly enrolled account starts. Afterwards every day after the last completed one is due, so a day
    /// whose statement stays unavailable is retried on every tick (and holds the days after it) until it completes.
    /// </summary>
    public int LookbackDays { get; set; } = 3;

    /// <summary>
    /// The most one statement fetch may take in all (link, download, verification, parsing). Each HTTP request in it
    /// still has the channel timeout (<c>Gateway:ChannelTimeout</c>).
    /// </summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the scheduler looks for days to reconcile.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromHours(1);
}
