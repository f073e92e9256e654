using Microsoft.Extensions.Options;
using Orleans.Configuration;
using PayGateway.Api.Admission;

namespace PayGateway.Tests.Hosting;

public sealed class AdmissionOptionsTests
{
    private static ValidateOptionsResult Validate(AdmissionOptions options) =>
        new AdmissionOptionsValidator(Options.Create(new ClientMessagingOptions())).Validate(null, options);

    [Fact]
    public void Defaults_AreValid_DeadlineBeforeOrleansCallTimeout_CallbacksHaveTheLargerPool()
    {
        var defaults = new AdmissionOptions();

        Assert.True(Validate(defaults).Succeeded, Validate(defaults).FailureMessage);
        Assert.True(defaults.RequestDeadline < new ClientMessagingOptions().ResponseTimeout);
        Assert.True(defaults.CallbackConcurrency > defaults.MerchantConcurrency);
        Assert.True(defaults.AppConcurrency < defaults.MerchantConcurrency);
        Assert.Equal("1", defaults.RetryAfterHeader);
    }

    [Fact]
    public void DeadlineNotBeforeOrleansCallTimeout_OrAPoolWithoutSlots_IsRefusedNamingEachSetting()
    {
        var result = Validate(new AdmissionOptions { RequestDeadline = new ClientMessagingOptions().ResponseTimeout, MerchantConcurrency = 0, AppQueue = -1 });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Api:Admission:RequestDeadline", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Api:Admission:MerchantConcurrency", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Api:Admission:AppQueue", StringComparison.Ordinal));
        Assert.Equal(3, result.Failures!.Count());
    }
}
