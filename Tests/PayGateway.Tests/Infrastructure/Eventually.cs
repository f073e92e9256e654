namespace PayGateway.Tests.Infrastructure;

/// <summary>Polls until a condition holds (asynchronous effects: callbacks, sweeps, deliveries), or fails with a message.</summary>
public static class Eventually
{
    /// <remarks>
    /// A condition that throws on an intermediate value (an index into a list that is still empty) counts as not
    /// holding yet: it is the final value the test is about. At the deadline the last exception is the inner one.
    /// </remarks>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            Exception? failure = null;
            try
            {
                if (condition(value))
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is ArgumentOutOfRangeException or NullReferenceException or InvalidOperationException)
            {
                failure = ex;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {limit}: {what}. Last value: {value}", failure);
            }
            await Task.Delay(100);
        }
    }
}
