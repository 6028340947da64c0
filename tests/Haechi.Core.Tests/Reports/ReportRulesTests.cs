using Haechi.Core.Reports;

namespace Haechi.Core.Tests.Reports;

public sealed class ReportRulesTests
{
    private static ReportSubmission Report(IReadOnlyList<string>? urls = null, string? channel = null, bool minor = false, string? description = null) =>
        new(urls ?? ["https://example.org/room/1"], ReportPlatform.Telegram, channel, description, minor, null);

    [Fact]
    public void PriorityOf_PossibleMinor_Highest()
    {
        Assert.Equal(ReportPriority.Highest, ReportRules.PriorityOf(Report(minor: true)));
        Assert.Equal(ReportPriority.Normal, ReportRules.PriorityOf(Report()));
    }

    [Fact]
    public void Validate_GoodReport_NoErrors() => Assert.Empty(ReportRules.Validate(Report()));

    [Fact]
    public void Validate_ChannelWithoutUrls_NoErrors() => Assert.Empty(ReportRules.Validate(Report(urls: [], channel: "room name")));

    [Fact]
    public void Validate_NoUrlAndNoChannel_UrlsError() => Assert.Contains("urls", ReportRules.Validate(Report(urls: [])).Keys);

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.org/x")]
    [InlineData("not a link")]
    [InlineData("")]
    public void Validate_BadUrl_UrlsError(string url) => Assert.Contains("urls", ReportRules.Validate(Report(urls: [url])).Keys);

    [Fact]
    public void Validate_TooManyUrls_UrlsError()
    {
        var urls = Enumerable.Range(0, ReportRules.MaxUrls + 1).Select(i => $"https://example.org/{i}").ToList();

        Assert.Contains("urls", ReportRules.Validate(Report(urls: urls)).Keys);
    }

    [Fact]
    public void Validate_LongDescription_DescriptionError() =>
        Assert.Contains("description", ReportRules.Validate(Report(description: new string('x', ReportRules.MaxDescriptionLength + 1))).Keys);

    [Fact]
    public void Validate_ControlCharacters_ChannelError() =>
        Assert.Contains("channel", ReportRules.Validate(Report(channel: "a\u0000b")).Keys);

    [Fact]
    public void SplitLinks_PastedLines_TrimmedWithoutBlanks() =>
        Assert.Equal(["https://a.example/1", "https://b.example/2"], ReportRules.SplitLinks("  https://a.example/1\r\n\n\t\nhttps://b.example/2  \n"));

    [Fact]
    public void SplitLinks_Null_Empty() => Assert.Empty(ReportRules.SplitLinks(null));
}
