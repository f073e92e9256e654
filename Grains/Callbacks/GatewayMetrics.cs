using System.Diagnostics.Metrics;

namespace PayGateway.Callbacks;

/// <summary>The gateway's own counters (meter <c>PayGateway</c>), exported with the rest of .NET's metrics.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "PayGateway";
    private readonly Counter<long> _callbacksRejected;
    private readonly Counter<long> _callbacksAccepted;
    private readonly Counter<long> _webhookAttempts;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _callbacksRejected = meter.CreateCounter<long>("paygw.callbacks.rejected", description: "Channel callbacks refused (bad signature, mismatch, unknown order).");
        _callbacksAccepted = meter.CreateCounter<long>("paygw.callbacks.accepted");
        _webhookAttempts = meter.CreateCounter<long>("paygw.webhooks.attempts");
    }

    public void CallbackRejected(string channel, string code) =>
        _callbacksRejected.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("code", code));

    public void CallbackAccepted(string channel) => _callbacksAccepted.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void WebhookAttempt(bool delivered) => _webhookAttempts.Add(1, new KeyValuePair<string, object?>("delivered", delivered));
}
