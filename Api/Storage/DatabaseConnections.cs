using MySqlConnector;

namespace PayGateway.Api.Storage;

/// <summary>Opens connections to the gateway database (pooled by MySqlConnector).</summary>
public sealed class DatabaseConnections(string connectionString)
{
    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
