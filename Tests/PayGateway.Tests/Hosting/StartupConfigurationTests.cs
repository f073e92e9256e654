using Microsoft.Extensions.Configuration;
using PayGateway.Hosting;
using PayGateway.Silo.Hosting;

namespace PayGateway.Tests.Hosting;

public sealed class StartupConfigurationTests
{
    [Fact]
    public void MissingSettings_FailStartWithOneMessageNamingEachAndNoValues()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = "c",
            ["Gateway:MasterKey"] = "secret-value-that-must-not-be-echoed",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => RequiredSettings.Check(configuration, "The silo", SiloConfiguration.RequiredKeys));

        Assert.Contains("ConnectionStrings:Gateway", error.Message);
        Assert.Contains("Orleans:ServiceId", error.Message);
        Assert.Contains("Gateway:DatacenterCode", error.Message);
        Assert.Contains("Gateway:PublicBaseUrl", error.Message);
        Assert.DoesNotContain("Orleans:ClusterId", error.Message);
        Assert.DoesNotContain("secret-value", error.Message);
    }

    [Fact]
    public void CompleteSettings_Pass()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(SiloConfiguration.RequiredKeys.Select(k => new KeyValuePair<string, string?>(k, "x"))).Build();

        RequiredSettings.Check(configuration, "The silo", SiloConfiguration.RequiredKeys);
    }
}
