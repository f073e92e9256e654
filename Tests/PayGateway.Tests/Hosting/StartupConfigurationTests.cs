using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PayGateway.Api.Hosting;
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

    [Theory]
    [InlineData("a-token-pasted-instead-of-its-hash-0123456789abcdefghijklmnopqrst")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  -")]
    public void OperatorTokenHashNotSha256Hex_ApiHostRefusesToStart(string configured)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(ApiConfiguration.RequiredKeys.ToDictionary(k => k, _ => (string?)"x"));
        builder.Configuration["ConnectionStrings:Gateway"] = "Server=127.0.0.1;Database=paygw";
        builder.Configuration["Api:OperatorTokenSha256:0"] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        builder.Configuration["Api:OperatorTokenSha256:1"] = configured;
        builder.AddGatewayApi();
        using var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<ApiOptions>>().Value);

        Assert.Contains("64 hex digits", error.Message);
        Assert.DoesNotContain(configured, error.Message);
    }
}
