using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PayGateway.Channels.Mock;

public static class MockChannelRegistration
{
    /// <summary>Registers <see cref="MockChannel"/> as an <see cref="IPaymentChannel"/> with its named HttpClient <c>channel.mock</c>.</summary>
    public static IServiceCollection AddMockPaymentChannel(this IServiceCollection services, Action<HttpClient>? configureClient = null)
    {
        services.AddHttpClient(MockApiClient.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(10);
            configureClient?.Invoke(client);
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IPaymentChannel, MockChannel>();
        return services;
    }
}
