namespace PayGateway.Channels.WeChatPay.Papay;

/// <summary>
/// The papay (委托代扣, API v2) view of a WeChat Pay <see cref="ChannelAccount"/>: the account's <c>mchid</c> and
/// <c>appid</c>, the contract template <c>papay_plan_id</c> (setting) and the 32-character <c>api_v2_key</c> (secret)
/// that signs every v2 message. Both are optional for accounts that do not sign contracts.
/// </summary>
internal sealed class WeChatPayPapayMerchant
{
    public const string ApiV2KeySecret = "api_v2_key";
    public const string PlanIdSetting = "papay_plan_id";

    /// <summary>WeChat issues APIv2 keys of exactly 32 characters.</summary>
    public const int ApiV2KeyLength = 32;

    private WeChatPayPapayMerchant(ChannelAccount account, string apiV2Key, string planId)
    {
        Account = account;
        MchId = account.RequiredSetting(WeChatPayMerchant.MchIdSetting);
        AppId = account.RequiredSetting(WeChatPayMerchant.AppIdSetting);
        ApiV2Key = apiV2Key;
        PlanId = planId;
    }

    public ChannelAccount Account { get; }

    public string MchId { get; }

    public string AppId { get; }

    public string ApiV2Key { get; }

    public string PlanId { get; }

    /// <summary>The papay view; throws <see cref="ChannelConfigurationException"/> when the account is not set up for papay.</summary>
    public static WeChatPayPapayMerchant From(ChannelAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        Validate(account);
        return new WeChatPayPapayMerchant(account, account.RequiredSecret(ApiV2KeySecret), account.RequiredSetting(PlanIdSetting));
    }

    /// <summary>
    /// Checks the papay settings an account has: both optional, but when present the key must be 32 characters and
    /// the plan id a number (WeChat's template ids are integers). Never quotes the key.
    /// </summary>
    public static void Validate(ChannelAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.Secrets.TryGetValue(ApiV2KeySecret, out var key) && key is not null && key.Length != ApiV2KeyLength)
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{ApiV2KeySecret}' must be {ApiV2KeyLength} characters.");
        }

        if (account.Settings.TryGetValue(PlanIdSetting, out var planId) && planId is not null
            && (planId.Length == 0 || !planId.All(char.IsAsciiDigit)))
        {
            throw new ChannelConfigurationException($"Channel account {account.Channel}/{account.AccountId}: '{PlanIdSetting}' must be a number.");
        }
    }

    /// <summary>Absolute address of a v2 path, keeping any path prefix of the base URL (the simulator uses one).</summary>
    public Uri Address(string pathAndQuery) => new(Account.BaseUrl.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    // The key must not reach a log through string formatting.
    public override string ToString() => $"WeChatPayPapayMerchant {{ AccountId = {Account.AccountId}, MchId = {MchId}, PlanId = {PlanId} }}";
}
