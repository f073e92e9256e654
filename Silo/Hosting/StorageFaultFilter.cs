using System.Data.Common;

namespace PayGateway.Silo.Hosting;

/// <summary>
/// A database fault inside a grain call reaches callers as an <see cref="OrleansException"/> without the driver's
/// exception inside: the driver's types have no Orleans codec, and a caller that cannot deserialize the fault
/// would see a codec error (a 500) instead of "storage unavailable, retry" (a 503). The grain has already put its
/// memory back to what storage holds (StateWrites.WriteOrRevertAsync) before the fault leaves it.
/// </summary>
public sealed class StorageFaultFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (FindDbException(ex) is { } db)
        {
            throw new OrleansException($"Storage unavailable ({db.GetType().Name}: {db.Message}). The call may be retried.");
        }
    }

    private static DbException? FindDbException(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is DbException db)
            {
                return db;
            }
        }
        return null;
    }
}
