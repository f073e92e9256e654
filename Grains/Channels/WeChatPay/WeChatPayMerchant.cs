namespace PayGateway.Channels.WeChatPay;

/// <summary>The WeChat Pay view of a <see cref="ChannelAccount"/>: the settings and secrets API v3 needs.</summary>
internal sealed class WeChatPayMerchant
{
    public const string MchIdSetting = "mchid";
    public const string AppIdSetting = "appid";
    public const string SerialNoSetting = "serial_no";
    public const string PrivateKeySecret = "private_key";
    public const string ApiV3KeySecret = "apiv3_key";

    // Optional: merchants onboarded in "WeChat Pay public key" mode get a fixed key instead of downloadable
    // platform certificates. The public key is not secret, so it lives in settings.
    public const string PublicKeyIdSetting = "wechatpay_public_key_id";
    public const string PublicKeySetting = "wechatpay_public_key";

    private WeChatPayMerchant(ChannelAccount account)
    {
        Account = account;
        MchId = account.RequiredSetting(MchIdSetting);
        AppId = account.RequiredSetting(AppIdSetting);
        SerialNo = account.RequiredSetting(SerialNoSetting);
        PrivateKeyPem = account.RequiredSecret(PrivateKeySecret);
        ApiV3Key = account.RequiredSecret(ApiV3KeySecret);
        if (!WeChatPayAesGcm.IsValidApiV3Key(ApiV3Key))
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{ApiV3KeySecret}' must be 32 characters.");
        }

        account.Settings.TryGetValue(PublicKeyIdSetting, out var publicKeyId);
        account.Settings.TryGetValue(PublicKeySetting, out var publicKey);
        PublicKeyId = string.IsNullOrWhiteSpace(publicKeyId) ? null : publicKeyId;
        PublicKeyPem = string.IsNullOrWhiteSpace(publicKey) ? null : publicKey;
    }

    public ChannelAccount Account { get; }

    public string MchId { get; }

    public string AppId { get; }

    public string SerialNo { get; }

    public string PrivateKeyPem { get; }

    public string ApiV3Key { get; }

    public string? PublicKeyId { get; }

    public string? PublicKeyPem { get; }

    /// <summary>Platform keys are per merchant id; the account id keeps two accounts of one merchant apart.</summary>
    public string CacheKey => $"{Account.AccountId}|{MchId}";

    /// <summary>
    /// What the platform keys cached under <see cref="CacheKey"/> were trusted from: the configured public key and the
    /// address certificates are downloaded from. Public values only.
    /// </summary>
    public (string BaseUrl, string? PublicKeyId, string? PublicKeyPem) KeyConfiguration => (Account.BaseUrl.AbsoluteUri, PublicKeyId, PublicKeyPem);

    public static WeChatPayMerchant From(ChannelAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new WeChatPayMerchant(account);
    }

    /// <summary>Absolute address of an API path, keeping any path prefix of the base URL (the simulator uses one).</summary>
    public Uri Address(string pathAndQuery) => new(Account.BaseUrl.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    // Secrets must not reach a log through string formatting.
    public override string ToString() => $"WeChatPayMerchant {{ AccountId = {Account.AccountId}, MchId = {MchId} }}";
}
