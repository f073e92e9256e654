using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PayGateway.Reliability;

namespace PayGateway.ReliabilityDriver;

/// <summary>
/// Creates and pays orders through the real API host and the simulator's control API, as merchants and payers
/// would, while the script breaks things. Every failed call is retried with the same out_trade_no (and the same
/// body) until it succeeds or the deadline passes; every answer is recorded for the I6 check. Progress (orders
/// done) is written to a file so the script can time its faults.
/// </summary>
public static class LoadDriver
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var api = new Uri(args["api"]);
        var sim = new Uri(args["sim"]);
        var appId = args["app"];
        var secret = Encoding.UTF8.GetBytes(args["secret"]);
        var merchantId = args["merchant"];
        var webhooks = args["webhooks"].TrimEnd('/');
        var orders = args.Int("orders", 1000);
        var concurrency = args.Int("concurrency", 12);
        var runId = args["run"];
        var progressFile = args["progress"];
        // Optional gate: orders at or past the number in this file wait, so the load cannot run ahead of the
        // fault script on a fast machine (each fault must hit orders in flight).
        var gateFile = args.Get("gate", "");
        var gate = gateFile.Length > 0 ? 0 : int.MaxValue; // with a gate file, nothing starts before it is read
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(args.Int("deadline-seconds", 420));
        // Payers pay a while after the order is created, so that many orders are open (in flight) at any moment.
        var payDelay = TimeSpan.FromMilliseconds(args.Int("pay-delay-ms", 6000));
        var toPay = System.Threading.Channels.Channel.CreateUnbounded<(string OutTradeNo, string OrderId, string Body, DateTime DueAt)>();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(40) };
        var observations = new ConcurrentQueue<CallerObservation>();
        var done = 0;
        long attempts = 0, errors = 0, payAttempts = 0, payErrors = 0, unknownRetries = 0, recreated = 0, refunds = 0, refundErrors = 0;
        // Every few paid orders the merchant refunds half, so the faults also hit refunds in flight (I2/I3 for refunds).
        var refundEvery = args.Int("refund-every", 4);
        var gaveUp = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();

        var payers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            await foreach (var (outTradeNo, orderId, body, dueAt) in toPay.Reader.ReadAllAsync())
            {
                if (dueAt > DateTime.UtcNow)
                {
                    await Task.Delay(dueAt - DateTime.UtcNow);
                }
                await PayAndLookAsync(outTradeNo, orderId, body);
            }
        })).ToList();

        using var progress = new Timer(_ => File.WriteAllText(progressFile, Volatile.Read(ref done).ToString(CultureInfo.InvariantCulture)), null, 0, 200);
        await Parallel.ForEachAsync(Enumerable.Range(0, orders), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
        {
            while (gateFile.Length > 0 && i >= Volatile.Read(ref gate) && DateTime.UtcNow < deadline)
            {
                if (File.Exists(gateFile) && int.TryParse(File.ReadAllText(gateFile).Trim(), CultureInfo.InvariantCulture, out var opened))
                {
                    Volatile.Write(ref gate, opened);
                }
                if (i >= Volatile.Read(ref gate))
                {
                    await Task.Delay(100);
                }
            }
            var outTradeNo = $"rel-{runId}-{i:D5}";
            var body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["out_trade_no"] = outTradeNo,
                ["amount"] = 100 + i,
                ["currency"] = "CNY",
                ["subject"] = $"Reliability order {i}",
                ["method"] = "QR_CODE",
                ["notify_url"] = $"{webhooks}/hooks/{runId}",
            });

            // Create, retrying with the same key and body until an answer that is not a failure.
            string? orderId = null;
            for (var attempt = 0; orderId is null && DateTime.UtcNow < deadline; attempt++)
            {
                Interlocked.Increment(ref attempts);
                var (status, json, code) = await SendAsync(http, api, appId, secret, HttpMethod.Post, "/v1/orders", body);
                observations.Enqueue(new CallerObservation(appId, outTradeNo, status, (string?)json?["order_id"], StatusOf(json), code));
                if (status == 200 && StatusOf(json) == "unknown" && attempt < 6)
                {
                    // The gateway does not know whether the channel has the payment: ask again with the same key
                    // (the gateway then completes the creation; the channel deduplicates on the order id).
                    Interlocked.Increment(ref unknownRetries);
                    await Task.Delay(Backoff(attempt));
                }
                else if (status == 200)
                {
                    orderId = (string)json!["order_id"]!;
                }
                else if (status is >= 400 and < 500 && status != 429)
                {
                    Console.Error.WriteLine($"{outTradeNo}: refused {status} {code}; not retrying");
                    break;
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    await Task.Delay(Backoff(attempt));
                }
            }
            if (orderId is null)
            {
                gaveUp.Add(outTradeNo);
                Interlocked.Increment(ref done);
                return;
            }

            toPay.Writer.TryWrite((outTradeNo, orderId, body, DateTime.UtcNow + payDelay));
            Interlocked.Increment(ref done);
        });
        File.WriteAllText(progressFile, done.ToString(CultureInfo.InvariantCulture));
        toPay.Writer.Complete();
        await Task.WhenAll(payers);


        async Task PayAndLookAsync(string outTradeNo, string orderId, string body)
        {
            // The payer pays at the channel (the cashier's Pay button, through the control API).
            var paidHere = false;
            for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
            {
                Interlocked.Increment(ref payAttempts);
                try
                {
                    using var paid = await http.PostAsync(new Uri(sim, $"mock/control/payments/{Uri.EscapeDataString(orderId)}/pay?merchant_id={merchantId}"), null);
                    if ((int)paid.StatusCode is 200 or 409)
                    {
                        paidHere = paid.StatusCode == System.Net.HttpStatusCode.OK;
                        break;
                    }
                    if ((int)paid.StatusCode == 404 && attempt % 3 == 2)
                    {
                        // No payment at the channel yet (the gateway's create did not get there): the merchant
                        // repeats the create with the same out_trade_no, as a cashier page that fails to load would.
                        Interlocked.Increment(ref recreated);
                        var (status, json, code) = await SendAsync(http, api, appId, secret, HttpMethod.Post, "/v1/orders", body);
                        observations.Enqueue(new CallerObservation(appId, outTradeNo, status, (string?)json?["order_id"], StatusOf(json), code));
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }
                Interlocked.Increment(ref payErrors);
                await Task.Delay(Backoff(attempt));
            }

            // The merchant looks at its order once (what it sees is part of I5/I6); failures here are only recorded.
            var (readStatus, readJson, readCode) = await SendAsync(http, api, appId, secret, HttpMethod.Get, $"/v1/orders/{orderId}", null);
            observations.Enqueue(new CallerObservation(appId, outTradeNo, readStatus, (string?)readJson?["order_id"], StatusOf(readJson), readCode));
            if (paidHere && refundEvery > 0 && (uint)outTradeNo.GetHashCode(StringComparison.Ordinal) % (uint)refundEvery == 0)
            {
                await RefundHalfAsync(outTradeNo, orderId, (long)JsonNode.Parse(body)!["amount"]!);
            }
        }

        async Task RefundHalfAsync(string outTradeNo, string orderId, long amount)
        {
            // Refund once the order is paid; repeat the same request (same out_refund_no) through every fault.
            var request = JsonSerializer.Serialize(new Dictionary<string, object> { ["out_refund_no"] = "rf-" + outTradeNo, ["amount"] = amount / 2, ["reason"] = "reliability run" });
            for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
            {
                var (status, json, code) = await SendAsync(http, api, appId, secret, HttpMethod.Post, $"/v1/orders/{orderId}/refunds", request);
                if (status == 200)
                {
                    Interlocked.Increment(ref refunds);
                    return;
                }
                if (status is >= 400 and < 500 && code is not ("ORDER_NOT_REFUNDABLE" or "RATE_LIMITED") || code == "ORDER_NOT_REFUNDABLE" && attempt >= 30)
                {
                    Console.WriteLine($"  refund of {orderId} refused: {status} {code}");
                    return;
                }
                // Not paid yet (the callback is on its way), or no answer: wait and repeat.
                Interlocked.Increment(ref refundErrors);
                await Task.Delay(Backoff(attempt));
            }
            gaveUp.Add("refund " + outTradeNo);
        }

        await File.WriteAllTextAsync(args["out"], JsonSerializer.Serialize(observations.ToArray()));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {orders} orders in {clock.Elapsed.TotalSeconds:F0} s; create attempts {attempts} ({errors} failed and retried); pay attempts {payAttempts} ({payErrors} retried); creates repeated after an unknown answer {unknownRetries}, after no trade at the channel {recreated}; refunds {refunds} ({refundErrors} repeated); gave up on {gaveUp.Count}"));
        foreach (var key in gaveUp.Take(20))
        {
            Console.WriteLine($"  gave up: {key}");
        }
        return gaveUp.IsEmpty ? 0 : 1;
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(5000, 250 * (1 << Math.Min(attempt, 5))) + Random.Shared.Next(250));

    private static string? StatusOf(JsonNode? json) =>
        json?["status"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Signs like a merchant: METHOD\nPATH\nAPP_ID\nTIMESTAMP\nNONCE\nBODY\n, HMAC-SHA256, base64. Status 0 = no answer.</summary>
    private static async Task<(int Status, JsonNode? Json, string? Code)> SendAsync(HttpClient http, Uri api, string appId, byte[] secret,
        HttpMethod method, string path, string? body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        byte[] message = [.. Encoding.UTF8.GetBytes($"{method.Method}\n{path}\n{appId}\n{timestamp}\n{nonce}\n"), .. bytes, (byte)'\n'];
        var signature = Convert.ToBase64String(HMACSHA256.HashData(secret, message));
        using var request = new HttpRequestMessage(method, new Uri(api, path));
        request.Headers.TryAddWithoutValidation("Authorization", $"PAYGW-HMAC-SHA256 app_id=\"{appId}\",nonce=\"{nonce}\",timestamp=\"{timestamp}\",signature=\"{signature}\"");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        try
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonNode? json = null;
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }
            return ((int)response.StatusCode, json, (string?)(json is JsonObject o && o["code"] is JsonValue c && c.TryGetValue<string>(out var code) ? code : null));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (0, null, ex.GetType().Name);
        }
    }
}
