using Microsoft.Extensions.Configuration;

namespace PayGateway.Hosting;

/// <summary>
/// Fails start-up with one message that names every missing setting, before Orleans or ASP.NET Core fail later
/// with something less clear. Values are never echoed: some of them are secrets.
/// </summary>
public static class RequiredSettings
{
    public static void Check(IConfiguration configuration, string host, params string[] keys)
    {
        var missing = keys.Where(k => string.IsNullOrWhiteSpace(configuration[k])).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{host} cannot start: missing configuration {string.Join(", ", missing)}. " +
                "Set them in appsettings.json or as environment variables (':' becomes '__', e.g. ConnectionStrings__Gateway).");
        }
    }
}
