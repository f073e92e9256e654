using PayGateway.Channels.UnionPay;
using Xunit;

namespace PayGateway.Tests.Channels.UnionPay;

/// <summary><see cref="UnionPayFormats"/>: the year of UnionPay's times that have none (traceTime, 交易传输时间).</summary>
public sealed class UnionPayFormatsTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Theory]
    // Same year; across New Year both ways; 29 February only in a leap year.
    [InlineData("1126225930", "2026-11-26T22:59:00+08:00", "2026-11-26T22:59:30+08:00")]
    [InlineData("1231235959", "2027-01-01T00:00:05+08:00", "2026-12-31T23:59:59+08:00")]
    [InlineData("0101000005", "2026-12-31T23:59:59+08:00", "2027-01-01T00:00:05+08:00")]
    [InlineData("0229120000", "2028-03-01T00:00:00+08:00", "2028-02-29T12:00:00+08:00")]
    // The reference in UTC is already the next year in Beijing.
    [InlineData("0101070000", "2026-12-31T20:00:00+00:00", "2027-01-01T07:00:00+08:00")]
    public void YearlessBeijingTime_TheYearNearestTheReference(string text, string near, string expected)
    {
        Assert.True(UnionPayFormats.TryParseYearlessBeijingTime(text, DateTimeOffset.Parse(near, System.Globalization.CultureInfo.InvariantCulture), out var at));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), at);
        Assert.Equal(Beijing, at.Value.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("112622593")]
    [InlineData("11262259300")]
    [InlineData("1326225930")]
    [InlineData("11 6225930")]
    [InlineData("+126225930")]
    public void YearlessBeijingTime_NotMMddHHmmss_Refused(string? text)
    {
        Assert.False(UnionPayFormats.TryParseYearlessBeijingTime(text, DateTimeOffset.UtcNow, out var at));
        Assert.Null(at);
    }
}
