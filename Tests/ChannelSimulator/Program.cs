namespace PayGateway.ChannelSimulator;

/// <summary>
/// Standalone simulator: <c>dotnet run --project Tests/ChannelSimulator -- --urls http://127.0.0.1:5199</c>,
/// merchants via configuration, e.g. <c>--Simulator:Merchants:m100=secret</c>.
/// </summary>
public static class Program
{
    public static Task Main(string[] args) =>
        SimulatorApp.Build(WebApplication.CreateBuilder(args), new SimulatorOptions()).RunAsync();
}
