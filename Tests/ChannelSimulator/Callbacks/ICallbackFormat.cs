using PayGateway.ChannelSimulator.Behaviour;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Callbacks;

/// <summary>One protocol's callback message: what it says, how it is signed and what counts as acknowledged.</summary>
internal interface ICallbackFormat
{
    /// <summary>The <see cref="SimulatorProtocol"/> whose trades this format serves.</summary>
    string Protocol { get; }

    /// <summary>
    /// Prepares the callback for the trade in its current state under <paramref name="behaviour"/> (tampering, wrong
    /// key). Null when none can be sent: no notify address, or no key for the merchant.
    /// </summary>
    PreparedCallback? Prepare(SimulatorTrade trade, SimulatorBehaviour behaviour);
}

/// <summary>A callback ready to deliver.</summary>
/// <param name="Amount">The amount it carries, in minor units (tampered or not), for the records.</param>
/// <param name="NewAttempt">Builds one delivery attempt, freshly timestamped and signed.</param>
/// <param name="IsAcknowledged">Whether the receiver's HTTP status and body acknowledge it.</param>
internal sealed record PreparedCallback(long Amount, Func<HttpRequestMessage> NewAttempt, Func<int, string, bool> IsAcknowledged);
