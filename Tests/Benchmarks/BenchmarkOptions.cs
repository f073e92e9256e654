namespace PayGateway.Benchmarks;

/// <summary>Command line: <c>[--quick] [--db-options "K=V;..."] [--output FILE] [--keep-database] [--label TEXT]</c>.</summary>
public sealed record BenchmarkOptions
{
    public bool Quick { get; init; }
    public int Callers { get; init; } = 64;
    public TimeSpan Warmup { get; init; }
    public TimeSpan Duration { get; init; }
    public TimeSpan IdleWindow { get; init; }
    public int SmallPending { get; init; }
    public int LargePending { get; init; }
    public int StoredOrders { get; init; }
    public string DbOptions { get; init; } = "";
    public string? Output { get; init; }
    public bool KeepDatabase { get; init; }
    public string Label { get; init; } = "";

    /// <summary>
    /// "storage": only the reference and the grain state phases; "rest": the reference, the hop floors, REST create and
    /// callbacks; "floors": the reference and the hop floors.
    /// </summary>
    public string? Only { get; init; }

    public string Mode => Quick ? "quick" : "full";

    public static BenchmarkOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick") || args.Contains("quick");
        var options = quick
            ? new BenchmarkOptions
            {
                Quick = true,
                Warmup = TimeSpan.FromSeconds(2),
                Duration = TimeSpan.FromSeconds(6),
                IdleWindow = TimeSpan.FromSeconds(10),
                SmallPending = 10_000,
                LargePending = 100_000,
                StoredOrders = 100_000,
            }
            : new BenchmarkOptions
            {
                Warmup = TimeSpan.FromSeconds(5),
                Duration = TimeSpan.FromSeconds(20),
                IdleWindow = TimeSpan.FromSeconds(60),
                SmallPending = 10_000,
                LargePending = 100_000,
                StoredOrders = 1_000_000,
            };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--db-options" => options with { DbOptions = Next() },
                "--output" => options with { Output = Next() },
                "--keep-database" => options with { KeepDatabase = true },
                "--label" => options with { Label = Next() },
                "--only" => options with { Only = Next() },
                "--stored-orders" => options with { StoredOrders = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--quick" or "quick" => options,
                _ => throw new ArgumentException($"Unknown argument {args[i]}. Usage: [--quick] [--db-options \"K=V;...\"] [--output FILE] [--keep-database] [--label TEXT] [--stored-orders N] [--only storage|rest|floors]"),
            };
        }
        if (options.Only is not (null or "storage" or "rest" or "floors"))
        {
            throw new ArgumentException($"--only takes storage, rest or floors, not '{options.Only}'.");
        }
        return options;
    }
}
