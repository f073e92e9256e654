namespace PayGateway;

/// <summary>Kinds of payee account a transfer can go to. Wire values; never change one.</summary>
public static class PayeeTypes
{
    /// <summary>Alipay user id (2088…), Alipay <c>identity_type=ALIPAY_USER_ID</c>.</summary>
    public const string AlipayUserId = "alipay_user_id";
    /// <summary>Alipay login (phone or e-mail), <c>identity_type=ALIPAY_LOGON_ID</c>; the payee name is required.</summary>
    public const string AlipayLogonId = "alipay_logon_id";
    /// <summary>WeChat user's openid under the account's appid.</summary>
    public const string WeChatOpenId = "wechat_openid";
    /// <summary>An account at the mock channel.</summary>
    public const string MockAccount = "mock_account";
}
