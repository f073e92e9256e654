namespace PayGateway.Channels.Alipay;

/// <summary>
/// The account's recurring-payment product (周期扣款 <c>CYCLE_PAY_AUTH</c> or 商家扣款 <c>GENERAL_WITHHOLDING</c>) and
/// sign scene, read from the non-secret settings <c>agreement_product_code</c> and <c>agreement_sign_scene</c>.
/// </summary>
/// <param name="ProductCode">The merchant product code, sent as <c>product_code</c> when signing and deducting.</param>
/// <param name="SignScene">The sign scene agreed with Alipay (<c>INDUSTRY|…</c>); never <c>DEFAULT|DEFAULT</c>.</param>
public sealed record AlipayAgreementSettings(string ProductCode, string SignScene)
{
    public const string ProductCodeSetting = "agreement_product_code";
    public const string SignSceneSetting = "agreement_sign_scene";

    /// <summary>周期扣款: the payer agrees to a schedule (period, first date, per-deduction cap).</summary>
    public const string CyclePayAuth = "CYCLE_PAY_AUTH";

    /// <summary>商家扣款: deductions without a fixed schedule.</summary>
    public const string GeneralWithholding = "GENERAL_WITHHOLDING";

    /// <summary>
    /// Used when the account names no scene: the example scene of Alipay's documentation. DEFAULT|DEFAULT is not an
    /// option because the gateway always sends external_agreement_no, which Alipay refuses with that scene.
    /// </summary>
    public const string DefaultSignScene = "INDUSTRY|DIGITAL_MEDIA";

    private const string ForbiddenSignScene = "DEFAULT|DEFAULT";

    /// <summary>The payer-side product code Alipay pairs with <see cref="ProductCode"/> (<c>…_P</c>).</summary>
    public string PersonalProductCode => ProductCode + "_P";

    /// <summary>Whether deductions follow a schedule (and so need <c>period_rule_params</c> when signing).</summary>
    public bool IsCycle => ProductCode == CyclePayAuth;

    /// <summary>Reads the settings, with the defaults for what is absent.</summary>
    /// <exception cref="ChannelConfigurationException">A setting is present but not acceptable.</exception>
    public static AlipayAgreementSettings Of(ChannelAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var productCode = account.Settings.GetValueOrDefault(ProductCodeSetting) ?? CyclePayAuth;
        if (productCode is not (CyclePayAuth or GeneralWithholding))
        {
            throw new ChannelConfigurationException(
                $"Channel account {account.Channel}/{account.AccountId}: '{ProductCodeSetting}' must be {CyclePayAuth} or {GeneralWithholding}.");
        }

        var signScene = account.Settings.GetValueOrDefault(SignSceneSetting) ?? DefaultSignScene;
        if (!IsAcceptableSignScene(signScene))
        {
            throw new ChannelConfigurationException(
                $"Channel account {account.Channel}/{account.AccountId}: '{SignSceneSetting}' must look like INDUSTRY|DIGITAL_MEDIA and must not be {ForbiddenSignScene}.");
        }

        return new AlipayAgreementSettings(productCode, signScene);
    }

    // Two non-empty parts separated by '|' (Alipay's "industry|scene" form), and not the default scene.
    private static bool IsAcceptableSignScene(string scene)
    {
        var parts = scene.Split('|');
        return parts.Length == 2
            && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            && scene != ForbiddenSignScene;
    }
}
