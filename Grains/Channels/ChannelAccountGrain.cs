using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using PayGateway.Caching;
using PayGateway.Security;
using PayGateway.Storage;

namespace PayGateway.Channels;

/// <inheritdoc cref="IChannelAccountGrain"/>
public sealed class ChannelAccountGrain(
    [PersistentState("channel_account")] IPersistentState<ChannelAccountState> state,
    ChannelRegistry channels,
    ChannelAccountOpener opener,
    SecretProtector protector,
    SiloCacheInvalidator caches,
    TimeProvider clock,
    ILogger<ChannelAccountGrain> logger) : Grain, IChannelAccountGrain, IRemindable
{
    private const string EnrollmentReminder = "reconciliation-enrolment";
    private static readonly TimeSpan EnrollmentWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan EnrollmentRetry = TimeSpan.FromMinutes(1);

    private readonly NotFoundLetGo _letGo = new();

    private string Channel => this.GetPrimaryKeyString().Split(':', 2)[0];
    private string AccountId => this.GetPrimaryKeyString().Split(':', 2)[1];

    public async Task<ChannelAccountResult> ConfigureAsync(ChannelAccountConfig config)
    {
        if (Validate(config) is { } error)
        {
            return new ChannelAccountResult(null, error);
        }
        var secrets = state.State.SealedSecrets;
        foreach (var (name, value) in config.Secrets)
        {
            secrets = secrets.SetItem(name, protector.Seal(value, ChannelAccountOpener.SecretPurpose(Channel, AccountId, name)));
        }
        try
        {
            // The adapter sees exactly what it will get at payment time: stored secrets merged with the new ones.
            channels.Get(Channel).ValidateAccount(opener.Open(new SealedChannelAccount(Channel, AccountId, config.BaseUrl, config.Settings, secrets, config.EnabledMethods, config.Enabled)));
        }
        catch (ChannelConfigurationException ex)
        {
            return new ChannelAccountResult(null, new GatewayError(ErrorCodes.ValidationFailed, ex.Message));
        }
        var next = state.State with
        {
            Exists = true,
            BaseUrl = config.BaseUrl,
            Settings = config.Settings,
            SealedSecrets = secrets,
            EnabledMethods = config.EnabledMethods.Distinct().Order().ToImmutableArray(),
            Enabled = config.Enabled,
            UpdatedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Version = state.State.Version + 1,
        };
        await state.WriteOrRevertAsync(next, this);
        // Every silo's opened copy of the old version stops being used now (or, if a silo misses this, by age).
        await caches.BroadcastAsync(SiloCacheKind.ChannelAccount, this.GetPrimaryKeyString(), next.Version);
        if (channels.Get(Channel) is IStatementChannel)
        {
            await EnrollForReconciliationAsync();
        }
        return new ChannelAccountResult(ToView(), null);
    }

    public Task<ChannelAccountView?> GetAsync() => Task.FromResult(Exists() ? ToView() : null);

    public Task<SealedChannelAccount?> GetSealedAsync() => Task.FromResult(Exists()
        ? new SealedChannelAccount(Channel, AccountId, state.State.BaseUrl, state.State.Settings, state.State.SealedSecrets, state.State.EnabledMethods, state.State.Enabled)
        {
            Version = state.State.Version,
        }
        : null);

    private GatewayError? Validate(ChannelAccountConfig config)
    {
        if (channels.Find(Channel) is not { } adapter)
        {
            return new GatewayError(ErrorCodes.ValidationFailed, $"Unknown channel '{Channel}'. Known: {string.Join(", ", channels.Names)}.");
        }
        if (!Uri.TryCreate(config.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            return new GatewayError(ErrorCodes.ValidationFailed, "base_url must be an absolute http(s) URL.");
        }
        // Settings are stored unsealed and shown back to operators, and the adapters' public-key loaders (ImportFromPem)
        // would also take a private key pasted into a public-key setting by mistake: refuse it here, without echoing it.
        if (config.Settings.FirstOrDefault(s => s.Value.Contains("PRIVATE KEY", StringComparison.Ordinal)).Key is { } holdsPrivateKey)
        {
            return new GatewayError(ErrorCodes.ValidationFailed,
                $"Setting '{holdsPrivateKey}' holds a private key. Settings are stored in plain text; private keys belong in secrets.");
        }
        var unsupported = config.EnabledMethods.Where(m => !adapter.SupportedMethods.Contains(m)).ToList();
        if (unsupported.Count > 0)
        {
            return new GatewayError(ErrorCodes.ValidationFailed, $"Channel '{Channel}' does not support {string.Join(", ", unsupported)}.");
        }
        return null;
    }

    private ChannelAccountView ToView() => new(
        Channel,
        AccountId,
        state.State.BaseUrl,
        state.State.Settings,
        [.. state.State.SealedSecrets.Keys],
        state.State.EnabledMethods,
        state.State.Enabled,
        DateTimeOffset.FromUnixTimeMilliseconds(state.State.UpdatedAtMs));

    /// <summary>
    /// Whether the account is configured. When it is not, this activation goes soon (<see cref="NotFoundLetGo"/>):
    /// an unauthenticated callback can name any account.
    /// </summary>
    private bool Exists() => _letGo.Exists(this, () => state.State.Exists);

    // The account is stored either way. The enrolment is retried by a reminder until the scheduler confirms it: a
    // reminder outlives this call, this activation and this silo, and registering it first means no crash or dropped
    // call can leave a saved account out of reconciliation.
    private async Task EnrollForReconciliationAsync()
    {
        await this.RegisterOrUpdateReminder(EnrollmentReminder, EnrollmentRetry, EnrollmentRetry);
        await TryEnrollAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == EnrollmentReminder ? TryEnrollAsync() : Task.CompletedTask;

    // The wait is short because the scheduler may be busy reconciling, and reconciliation reads accounts: waiting on it
    // from here while it waits on this grain would hold both (and every channel call that needs this account opened)
    // until Orleans' call timeout. Past the short wait the enrolment may still land when the pass ends, or be dropped
    // by Orleans once it is older than the call timeout; either way the reminder asks again (enrolling is idempotent).
    private async Task TryEnrollAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IReconciliationSchedulerGrain>(0).EnrollAsync(Channel, AccountId).WaitAsync(EnrollmentWait);
            if (await this.GetReminder(EnrollmentReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (TimeoutException)
        {
            logger.LogInformation("Channel account {Channel}/{AccountId} saved; the reconciliation scheduler is busy, so its enrolment is asked again in {Retry}", Channel, AccountId, EnrollmentRetry);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Channel account {Channel}/{AccountId} is not enrolled for reconciliation yet; asking again in {Retry}", Channel, AccountId, EnrollmentRetry);
        }
    }
}
