using System.Diagnostics.Metrics;

namespace PayGateway.Callbacks;

/// <summary>The gateway's own counters (meter <c>PayGateway</c>), exported with the rest of .NET's metrics.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "PayGateway";
    private readonly Counter<long> _callbacksRejected;
    private readonly Counter<long> _callbacksAccepted;
    private readonly Counter<long> _webhookAttempts;
    private readonly Counter<long> _reviewItems;

    public GatewayMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _callbacksRejected = meter.CreateCounter<long>("paygw.callbacks.rejected", description: "Channel callbacks refused (bad signature, mismatch, unknown order).");
        _callbacksAccepted = meter.CreateCounter<long>("paygw.callbacks.accepted");
        _webhookAttempts = meter.CreateCounter<long>("paygw.webhooks.attempts");
        _reviewItems = meter.CreateCounter<long>("paygw.review.items", description: "Items filed for operators in paygw_review_item, by kind and code.");
    }

    private void CallbackRejected(string channel, string code) =>
        _callbacksRejected.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("code", code));

    /// <summary>Every review item; those of kind <c>callback</c> are refused callbacks and also count as such.</summary>
    public void ReviewItemFiled(string kind, string channel, string code)
    {
        _reviewItems.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("code", code));
        if (kind == ReviewKinds.Callback)
        {
            CallbackRejected(channel, code);
        }
    }

    public void CallbackAccepted(string channel) => _callbacksAccepted.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void WebhookAttempt(bool delivered) => _webhookAttempts.Add(1, new KeyValuePair<string, object?>("delivered", delivered));
}
