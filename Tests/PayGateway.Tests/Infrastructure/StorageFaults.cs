namespace PayGateway.Tests.Infrastructure;

/// <summary>
/// Writes that fail before they commit, in one fixture's own database only: BEFORE triggers raise for the orders (by
/// out_trade_no) and transfers (by out_transfer_no) listed in <c>test_fault</c>, and for review items of the orders
/// listed in <c>test_review_fault</c>, so nothing else on the server is affected.
/// </summary>
public static class StorageFaults
{
    /// <summary>Creates the fault tables and triggers (idempotent).</summary>
    public static async Task InstallAsync(TestDatabase database)
    {
        await database.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS test_fault (out_trade_no VARCHAR(64) NOT NULL, operation VARCHAR(8) NOT NULL, PRIMARY KEY (out_trade_no, operation))");
        foreach (var (operation, timing) in new[] { ("insert", "INSERT"), ("update", "UPDATE") })
        {
            await database.ExecuteAsync($"""
                CREATE OR REPLACE TRIGGER test_fault_before_{operation} BEFORE {timing} ON paygw_projected_state FOR EACH ROW
                BEGIN
                    IF NEW.GrainTypeString IN ('order', 'transfer') AND EXISTS (SELECT 1 FROM test_fault
                        WHERE operation = '{operation}' AND out_trade_no = COALESCE(
                            JSON_VALUE(CONVERT(NEW.PayloadBinary USING utf8mb4), '$.out_trade_no'),
                            JSON_VALUE(CONVERT(NEW.PayloadBinary USING utf8mb4), '$.out_transfer_no'))) THEN
                        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected storage fault';
                    END IF;
                END
                """);
        }
        await database.ExecuteAsync("CREATE TABLE IF NOT EXISTS test_review_fault (order_id VARCHAR(64) NOT NULL PRIMARY KEY)");
        await database.ExecuteAsync("""
            CREATE OR REPLACE TRIGGER test_review_fault_before_insert BEFORE INSERT ON paygw_review_item FOR EACH ROW
            BEGIN
                IF EXISTS (SELECT 1 FROM test_review_fault WHERE order_id = NEW.order_id) THEN
                    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected review item fault';
                END IF;
            END
            """);
    }

    /// <summary>
    /// From now on the order with this merchant out_trade_no (or the transfer with this out_transfer_no) cannot be
    /// written (<paramref name="operation"/>: insert or update).
    /// </summary>
    public static Task FailWritesAsync(TestDatabase database, string outTradeNo, string operation) =>
        database.ExecuteAsync("INSERT IGNORE INTO test_fault VALUES (@o, @op)", ("@o", outTradeNo), ("@op", operation));

    public static Task HealWritesAsync(TestDatabase database, string outTradeNo) =>
        database.ExecuteAsync("DELETE FROM test_fault WHERE out_trade_no = @o", ("@o", outTradeNo));

    /// <summary>From now on no review item about this gateway order id can be filed.</summary>
    public static Task FailReviewItemsAsync(TestDatabase database, string orderId) =>
        database.ExecuteAsync("INSERT IGNORE INTO test_review_fault VALUES (@o)", ("@o", orderId));

    public static Task HealReviewItemsAsync(TestDatabase database, string orderId) =>
        database.ExecuteAsync("DELETE FROM test_review_fault WHERE order_id = @o", ("@o", orderId));
}
