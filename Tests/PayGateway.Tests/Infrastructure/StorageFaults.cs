namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// Order writes that fail before they commit, in one fixture's own database only: a BEFORE trigger on the state table
/// raises for the orders (by out_trade_no) listed in <c>test_fault</c>, so nothing else on the server is affected.
/// </summary>
public static class StorageFaults
{
    /// <summary>Creates the fault table and triggers (idempotent).</summary>
    public static async Task InstallAsync(TestDatabase database)
    {
        await database.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS test_fault (out_trade_no VARCHAR(64) NOT NULL, operation VARCHAR(8) NOT NULL, PRIMARY KEY (out_trade_no, operation))");
        foreach (var (operation, timing) in new[] { ("insert", "INSERT"), ("update", "UPDATE") })
        {
            await database.ExecuteAsync($"""
                CREATE OR REPLACE TRIGGER test_fault_before_{operation} BEFORE {timing} ON paygw_projected_state FOR EACH ROW
                BEGIN
                    IF NEW.GrainTypeString = 'order' AND EXISTS (SELECT 1 FROM test_fault
                        WHERE operation = '{operation}' AND out_trade_no = JSON_VALUE(CONVERT(NEW.PayloadBinary USING utf8mb4), '$.out_trade_no')) THEN
                        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected storage fault';
                    END IF;
                END
                """);
        }
    }

    /// <summary>From now on the order with this merchant out_trade_no cannot be written (<paramref name="operation"/>: insert or update).</summary>
    public static Task FailWritesAsync(TestDatabase database, string outTradeNo, string operation) =>
        database.ExecuteAsync("INSERT IGNORE INTO test_fault VALUES (@o, @op)", ("@o", outTradeNo), ("@op", operation));

    public static Task HealWritesAsync(TestDatabase database, string outTradeNo) =>
        database.ExecuteAsync("DELETE FROM test_fault WHERE out_trade_no = @o", ("@o", outTradeNo));
}
