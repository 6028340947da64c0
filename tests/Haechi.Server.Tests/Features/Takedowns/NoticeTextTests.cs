using System.Xml.Linq;
using Haechi.Server.Features.Takedowns;

namespace Haechi.Server.Tests.Features.Takedowns;

public sealed class NoticeTextTests
{
    private static readonly byte[] Pdq = Convert.FromHexString(ApiClient.Pdq(7));
    private static readonly byte[] Sha = Convert.FromHexString(new string('a', 64));
    private static readonly DateTimeOffset Seen = new(2026, 11, 20, 9, 30, 0, TimeSpan.FromHours(9));

    [Fact]
    public void Build_Korean_LegalBasisAndItemListWithFingerprintsAndUtcTimes()
    {
        var text = NoticeText.Build("ko", "해치", 42, 1, escalated: false, [new NoticeLine("https://host.example/a.jpg", Pdq, Sha, Seen, null, 0)]);
        Assert.Contains("삭제 요청 42", text.Subject, StringComparison.Ordinal);
        Assert.Contains("성폭력범죄의 처벌 등에 관한 특례법 제14조의2(허위영상물 등의 반포등)", text.Body, StringComparison.Ordinal);
        Assert.Contains("정보통신망 이용촉진 및 정보보호 등에 관한 법률 제44조의2", text.Body, StringComparison.Ordinal);
        Assert.Contains("1. https://host.example/a.jpg", text.Body, StringComparison.Ordinal);
        Assert.Contains("PDQ: " + ApiClient.Pdq(7), text.Body, StringComparison.Ordinal);
        Assert.Contains("SHA-256: " + new string('a', 64), text.Body, StringComparison.Ordinal);
        Assert.Contains("최초 확인: 2026-11-20T00:30:00Z", text.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("Act on Special Cases", text.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ItemShownOnPage_NamesThePageUnderTheMediaUrl()
    {
        var text = NoticeText.Build("ko", "해치", 5, 1, escalated: false,
        [
            new NoticeLine("https://host.example/a.jpg", Pdq, Sha, Seen, null, 0, "https://host.example/board/12"),
            new NoticeLine("https://t.me/leak_room/7", Pdq, Sha, Seen, null, 0, "https://t.me/leak_room/7"),
        ]);
        Assert.Contains("1. https://host.example/a.jpg\n   게시된 페이지: https://host.example/board/12\n", text.Body.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("2. https://t.me/leak_room/7\n   PDQ:", text.Body.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var english = NoticeText.Build("en", "Haechi", 5, 1, escalated: false, [new NoticeLine("https://host.example/a.jpg", Pdq, Sha, Seen, null, 0, "https://host.example/board/12")]);
        Assert.Contains("shown on page: https://host.example/board/12", english.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EnglishRepeatEscalated_SaysRoundAndPolice_ListsNoticesSoFar()
    {
        var lines = new[]
        {
            new NoticeLine("https://host.example/a.jpg", Pdq, null, Seen, Seen.AddHours(1), 2),
            new NoticeLine("https://host.example/b.jpg", null, Sha, Seen, Seen.AddHours(1), 2),
        };
        var text = NoticeText.Build("en", "Haechi", 9, 3, escalated: true, lines);
        Assert.Contains("(notice 3)", text.Subject, StringComparison.Ordinal);
        Assert.Contains("2 item(s) still online", text.Subject, StringComparison.Ordinal);
        Assert.Contains("referred to the police", text.Body, StringComparison.Ordinal);
        Assert.Contains("Article 14-2", text.Body, StringComparison.Ordinal);
        Assert.Contains("Article 44-2", text.Body, StringComparison.Ordinal);
        Assert.Contains("2. https://host.example/b.jpg", text.Body, StringComparison.Ordinal);
        Assert.Contains("first notice: 2026-11-20T01:30:00Z (2 notice(s) so far)", text.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_IsHmacSha256OfTheExactBytes()
    {
        var body = "{\"a\":1}"u8.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("s3cret"u8, body));
        Assert.Equal(expected, DeliverNotice.Sign("s3cret", body));
        Assert.NotEqual(expected, DeliverNotice.Sign("s3cret", "{\"a\":2}"u8));
    }

    [Fact]
    public void Backoff_DoublesFromTheFirstDelay_CappedAtSixHours()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), DeliverNotice.Backoff(TimeSpan.FromMinutes(1), 1));
        Assert.Equal(TimeSpan.FromMinutes(4), DeliverNotice.Backoff(TimeSpan.FromMinutes(1), 3));
        Assert.Equal(TimeSpan.FromHours(6), DeliverNotice.Backoff(TimeSpan.FromMinutes(1), 30));
    }

    [Fact]
    public void ParseHostsAndMatch_SubdomainsMatch_LongestDomainWins_LookalikesDoNot()
    {
        Assert.Equal(["example.com", "cdn.example.net", "127.0.0.1"], ManageContacts.ParseHosts(" Example.com., *.cdn.example.net\nnot a host;127.0.0.1"));
        var broad = new Haechi.Data.Takedowns.PlatformContactRecord { Id = 1, Name = "broad", Hosts = "example.com", Language = "ko" };
        var narrow = new Haechi.Data.Takedowns.PlatformContactRecord { Id = 2, Name = "narrow", Hosts = "img.example.com", Language = "en" };
        Assert.Equal(2, ManageContacts.Match([broad, narrow], "a.img.example.com")!.Id);
        Assert.Equal(1, ManageContacts.Match([broad, narrow], "www.example.com")!.Id);
        Assert.Null(ManageContacts.Match([broad, narrow], "badexample.com"));
    }

    [Fact]
    public void SvgChart_BarsScaledToLargest_LabelsEscaped_WellFormedXml()
    {
        var svg = SvgChart.Bars("Open <items>", [("a&b", 10), ("<script>", 5), ("zero", 0)], "0");
        var root = XElement.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("Open <items>", root.Element(ns + "title")!.Value);
        var rects = root.Elements(ns + "rect").ToList();
        Assert.Equal(3, rects.Count);
        var widths = rects.Select(r => int.Parse(r.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(widths[0], 2 * widths[1]);
        Assert.Equal(0, widths[2]);
        Assert.Contains(root.Elements(ns + "text"), t => t.Value == "<script>");
        Assert.DoesNotContain("<script>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCsv_SameFiguresAsTheStatistics_QuotedAndFormulaSafe()
    {
        var stats = new TakedownStatistics(
            5, 1, 2, 4, 2, 1,
            new RemovalRow("all", 4, 2, 1.5, 2.7, new(2, 4), new(2, 3), 1),
            [new RemovalRow("img.example.com", 3, 2, 1.5, 2.7, new(1, 3), new(2, 2), 0), new RemovalRow("b,c.example", 1, 0, null, null, new(0, 0), new(0, 0), 0)],
            [new RemovalRow("=HYPERLINK(\"x\")", 4, 2, 1.5, 2.7, new(2, 4), new(2, 4), 2)],
            [new CountRow("UnderOneDay", 1), new CountRow("OneToThreeDays", 1)],
            [new CountRow("web", 3)],
            [new CountRow("Telegram", 3)],
            [new CountRow("Confirm", 4)]);
        var lines = GetTakedownStatistics.ToCsv(stats).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("section,key,count,removed,median_hours,p90_hours,within_24h,within_24h_count,within_24h_eligible,within_48h,within_48h_count,within_48h_eligible,reappeared,reappearance_rate", lines[0]);
        Assert.All(lines, l => Assert.Equal(13, l.Replace("\"b,c.example\"", "b", StringComparison.Ordinal).Count(c => c == ',')));
        Assert.Contains("notices,sent,5,,,,,,,,,,,", lines);
        Assert.Contains("notices,failed,2,,,,,,,,,,,", lines);
        Assert.Contains("items,removed,2,,,,,,,,,,,", lines);
        Assert.Contains("removal,all,4,2,1.5,2.7,0.5,2,4,0.666667,2,3,1,0.5", lines);
        Assert.Contains("removal_by_host,img.example.com,3,2,1.5,2.7,0.333333,1,3,1,2,2,0,0", lines);
        Assert.Contains("removal_by_host,\"b,c.example\",1,0,,,,0,0,,0,0,0,", lines);
        Assert.Contains("removal_by_platform,\"'=HYPERLINK(\"\"x\"\")\",4,2,1.5,2.7,0.5,2,4,0.5,2,4,2,1", lines);
        Assert.Contains("open_by_age,UnderOneDay,1,,,,,,,,,,,", lines);
        Assert.Contains("reports_by_platform,Telegram,3,,,,,,,,,,,", lines);
        Assert.Contains("review_by_category,Confirm,4,,,,,,,,,,,", lines);
        Assert.Equal(16, lines.Length);
    }
}
