namespace PayGateway.Channels;

/// <summary>
/// Beijing time (UTC+8, no daylight saving): the time zone of Alipay's and WeChat Pay's timestamps, order expiry
/// times and statement days, and of the mock's statement days.
/// </summary>
public static class ChinaStandardTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);
}
