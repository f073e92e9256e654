namespace PayGateway.ChannelSimulator.State;

/// <summary>
/// State a protocol keeps beside the trade store (refunds, transfers, …). <see cref="Payments.SimulatorControl.Reset"/>
/// clears every registered one together with the trades, so a reset simulator remembers nothing.
/// </summary>
internal interface IResettableState
{
    void Clear();
}
