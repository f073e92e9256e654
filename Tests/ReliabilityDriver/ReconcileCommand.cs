using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace PayGateway.ReliabilityDriver;

/// <summary>
/// After the check: reconciles the channel account's statements for the given days through the admin API, the way an
/// operator or the daily scheduler would, and prints what it found. After every fault of the run, the simulator's
/// statement and the gateway must agree: any open discrepancy is a failure (exit 1).
/// </summary>
public static class ReconcileCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var api = new Uri(args["api"]);
        var account = args["account"]; // channel/account_id
        using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", args["token"]);
        var open = 0;
        foreach (var day in args["days"].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var response = await http.PostAsync($"admin/v1/reconciliations/{account}/{day}", null);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || JsonNode.Parse(body) is not JsonObject report || (string?)report["status"] != "completed")
            {
                Console.WriteLine($"reconcile: {day} did not complete: {(int)response.StatusCode} {body}");
                return 1;
            }
            var items = report["items"]!.AsArray();
            var openItems = items.Where(i => (string?)i!["action"] == "reported").ToList();
            open += openItems.Count;
            Console.WriteLine($"  reconciliation {day}: statement lines {report["statement_lines"]}, matched {report["matched"]}, " +
                $"healed {items.Count - openItems.Count}, open {openItems.Count}");
            foreach (var item in openItems)
            {
                Console.WriteLine($"    {item!["code"]} order {item["order_id"]} refund {item["refund_id"]}: {item["detail"]}");
            }
        }
        Console.WriteLine($"  reconciliation.open_items {open}");
        return open == 0 ? 0 : 1;
    }
}
