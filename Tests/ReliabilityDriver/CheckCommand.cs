using System.Net.Http.Json;
using System.Text.Json;
using PayGateway.Reliability;

namespace PayGateway.ReliabilityDriver;

/// <summary>
/// After the load: waits (bounded) until every order is final and every notification delivered, snapshotting
/// storage as it goes (the snapshots are I5's history), then runs the invariant checker over storage, the
/// simulator's records, the webhook receiver's records and what the callers saw. Exit 1 on any violation.
/// </summary>
public static class CheckCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var connectionString = args["db"];
        var sim = new Uri(args["sim"]);
        var webhooks = new Uri(args["webhooks"]);
        var settle = TimeSpan.FromSeconds(args.Int("settle-seconds", 180));
        var callers = JsonSerializer.Deserialize<List<CallerObservation>>(await File.ReadAllTextAsync(args["observations"])) ?? [];
        var options = new CheckOptions
        {
            ChannelMerchantByAccount = new Dictionary<string, string> { [args["account"]] = args["merchant"] },
            WebhookUrlPrefix = webhooks.ToString().TrimEnd('/') + "/hooks/",
            RequireFinal = true,
        };

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var history = new List<GatewaySnapshot>();
        var started = DateTime.UtcNow;
        GatewaySnapshot snapshot;
        while (true)
        {
            snapshot = await ReadWithRetryAsync(connectionString);
            var open = snapshot.Orders.Count(o => !InvariantChecker.IsFinal(o.Status));
            var undelivered = snapshot.Orders.Sum(o => o.Notifications.Count(n => n.Status != "delivered"));
            if (open == 0 && undelivered == 0)
            {
                break;
            }
            if (DateTime.UtcNow - started > settle)
            {
                Console.WriteLine($"check: not settled after {settle.TotalSeconds:F0} s ({open} open orders, {undelivered} undelivered notifications); checking anyway");
                break;
            }
            if (history.Count == 0 || (snapshot.TakenAt - history[^1].TakenAt).TotalSeconds >= 10)
            {
                history.Add(snapshot);
            }
            await Task.Delay(2000);
        }
        var settledAfter = DateTime.UtcNow - started;

        var channel = await SimulatorRecordsClient.ReadAsync(http, sim);
        var deliveries = await http.GetFromJsonAsync<List<WebhookDelivery>>(new Uri(webhooks, "records")) ?? [];
        var report = InvariantChecker.Check(new CheckInput
        {
            Gateway = snapshot,
            History = history,
            Channel = channel,
            Webhooks = deliveries,
            Callers = callers,
        }, options);

        var figures = new SortedDictionary<string, long>(report.Figures.ToDictionary(f => f.Key, f => f.Value), StringComparer.Ordinal)
        {
            ["settle_seconds"] = (long)settledAfter.TotalSeconds,
            ["callers.requests"] = callers.Count,
            ["callers.failed_requests"] = callers.Count(c => c.HttpStatus is 0 or >= 500),
            ["channel.creates"] = channel.Count(r => r.Kind == "create"),
            ["channel.trades"] = channel.Where(r => r.Kind == "create" && r.ResponseStatus == 200).Select(r => r.OutTradeNo).Distinct().Count(),
            ["channel.callbacks_sent"] = channel.Count(r => r.Kind == "callback_sent"),
            ["channel.callbacks_not_acknowledged"] = channel.Count(r => r.Kind == "callback_sent" && r.Result != "ACK"),
        };
        Console.WriteLine(new InvariantReport(report.Violations, figures).Format());
        if (args.Get("summary", "") is { Length: > 0 } summary)
        {
            await File.WriteAllTextAsync(summary, JsonSerializer.Serialize(new
            {
                passed = report.Passed,
                figures,
                violations = report.Violations.Select(v => v.ToString()).Take(200),
            }, new JsonSerializerOptions { WriteIndented = true }));
        }
        return report.Passed ? 0 : 1;
    }

    /// <summary>The database may itself be coming back: keep trying for a while.</summary>
    private static async Task<GatewaySnapshot> ReadWithRetryAsync(string connectionString)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await GatewayStateReader.ReadAsync(connectionString);
            }
            catch (MySqlConnector.MySqlException) when (attempt < 30)
            {
                await Task.Delay(1000);
            }
        }
    }
}
