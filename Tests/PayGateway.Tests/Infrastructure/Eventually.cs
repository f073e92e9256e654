namespace PayGateway.Tests.Infrastructure;

/// <summary>Polls until a condition holds (asynchronous effects: callbacks, sweeps, deliveries), or fails with a message.</summary>
public static class Eventually
{
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {limit}: {what}. Last value: {value}");
            }
            await Task.Delay(100);
        }
    }
}
