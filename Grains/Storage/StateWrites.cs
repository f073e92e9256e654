namespace PayGateway.Storage;

/// <summary>The one way grains change persistent state.</summary>
public static class StateWrites
{
    /// <summary>
    /// Replaces the state with <paramref name="next"/> and writes it. If the write fails, memory goes back to the
    /// previous state and the activation is dropped so the next call reloads whatever storage really holds (the
    /// write may have committed before its acknowledgement was lost).
    /// </summary>
    public static async Task WriteOrRevertAsync<T>(this IPersistentState<T> state, T next, IGrainBase grain)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
