using PayGateway.ChannelSimulator.Protocol;
using PayGateway.ChannelSimulator.Records;
using PayGateway.ChannelSimulator.State;

namespace PayGateway.ChannelSimulator.Endpoints;

/// <summary>The way into every mock API call: authenticates it, and records and answers a refusal.</summary>
internal sealed class MockApiGate(MerchantRegistry merchants, RecordLog records, TimeProvider time, IHostApplicationLifetime lifetime)
{
    /// <summary>The authenticated call (behaviour not yet resolved), or null when it was refused and answered.</summary>
    /// <param name="outTradeNo">What the refusal's record names, when the path says it.</param>
    public async Task<MockApiCall?> BeginAsync(HttpContext context, string kind, string? outTradeNo)
    {
        var (request, refusal) = await ApiRequestReader.ReadAsync(context, merchants, time);
        if (refusal is not null)
        {
            var status = refusal.Code == "INVALID_REQUEST" ? 400 : 401;
            records.Add(kind, refusal.MerchantId ?? "", outTradeNo, null, null, null, status, refusal.Code);
            await SignedResponse.WriteAsync(context, time, status, new ErrorBody(refusal.Code, refusal.Message), refusal.MerchantId, refusal.Key);
            return null;
        }
        return new MockApiCall(context, request!, kind, records, time, lifetime.ApplicationStopping);
    }
}
