using System.Globalization;
using System.IO.Compression;
using Haechi.Cli.Tests.Watching;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Server.Tests.Features.Takedowns;
using Haechi.Server.Tests.Features.Telegram;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Haechi.EndToEnd.Tests;

/// <summary>
/// The hotline's day in one browser run, in Korean: a victim registers her photo on her phone; a
/// public report points at a local page with an edited copy; a Telegram channel (the Bot API
/// stand-in) posts another copy; a seized zip holds a third. Each reaches the queue blurred, the
/// analyst reveals it (audited) and reads its provenance, confirms, and sends notices that reach a
/// real SMTP server (aiosmtpd) with the page URL and the <c>t.me</c> link. The local site removes its
/// copy, the re-check marks it removed, the copy comes back and counts as re-appearing; the victim's
/// case shows "notice sent" and "removed"; a fourth copy posted later is matched to the confirmed bank.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class HotlineDayTests(BrowserFixture fixture) : IAsyncLifetime
{
    private const long Channel = -1_001_777_000_123;
    private readonly string _files = Directory.CreateTempSubdirectory("haechi-day-").FullName;
    private readonly BotApiStandIn _telegram = new();
    private TestSite _site = null!;
    private SmtpSink _smtp = null!;
    private BrowserServer? _server;

    public async ValueTask InitializeAsync()
    {
        _site = await TestSite.StartAsync();
        _smtp = await SmtpSink.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            Screenshots.DeleteDirectory(_server.DataDirectory);
        }

        await _site.DisposeAsync();
        await _smtp.DisposeAsync();
        _telegram.Dispose();
        Screenshots.DeleteDirectory(_files);
    }

    [Fact]
    public async Task HotlineDay_ReportTelegramSeizedCopies_ConfirmedNoticedRemovedReappearing_VictimSeesIt_FourthCopyMatched()
    {
        fixture.RequireBrowser();
        var ct = TestContext.Current.CancellationToken;
        var shots = Path.Combine(Screenshots.Directory, "hotline-day");
        Directory.CreateDirectory(shots);
        _server = new BrowserServer(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Ingestion:AllowPrivateAddresses"] = "true",
            ["Ingestion:RetryDelaySeconds"] = "0",
            ["Ingestion:MaxAttempts"] = "2",
            ["Telegram:Enabled"] = "true",
            ["Telegram:BotToken"] = BotApiStandIn.Token,
            ["Telegram:ApiBaseUrl"] = _telegram.Url,
            ["Telegram:PollTimeoutSeconds"] = "0",
            ["Telegram:AllowedChatIds:0"] = Channel.ToString(CultureInfo.InvariantCulture),
            ["Takedowns:Smtp:Host"] = "127.0.0.1",
            ["Takedowns:Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Takedowns:Smtp:Security"] = "None",
            ["Takedowns:Smtp:From"] = "notices@haechi.test",
            ["Takedowns:Organisation"] = "해치 테스트 센터",
            ["Takedowns:LoopInterval"] = "00:00:00.300",
            ["Takedowns:RecheckInterval"] = "00:00:00.500",
            ["Takedowns:RenotifyInterval"] = "01:00:00",
            ["Takedowns:AllowPrivateAddresses"] = "true",
        });
        var baseUrl = _server.Start();

        // 1. The victim, on her phone, registers her photo: fingerprints made on the phone, the photo never sent.
        var (width, height) = (960, 720);
        var rgb = SyntheticImages.DrawRgb(width, height, 2024);
        var photo = Path.Combine(_files, "my-photo.jpg");
        await File.WriteAllBytesAsync(photo, SyntheticImages.EncodeJpeg(rgb, width, height), ct);
        var phone = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var victim = await phone.NewPageAsync();
        await victim.GotoAsync("/protect");
        await VictimSteps.ConfirmEligibilityAsync(victim);
        await victim.SetInputFilesAsync("#photos", photo);
        await victim.GetByRole(AriaRole.Button, new() { Name = "사진 등록하기" }).ClickAsync();
        var caseNumber = (await victim.GetByTestId("case-number").TextContentAsync(new() { Timeout = 90_000 }))!.Trim();
        var pin = (await victim.GetByTestId("case-pin").TextContentAsync())!.Trim();
        await victim.ScreenshotAsync(new() { Path = Path.Combine(shots, "01-victim-registered.png"), FullPage = true });

        // 2. A public report whose link is a local page showing an edited copy (cropped 6 %, 80 % size, JPEG 75).
        _site.File("/m/copy-1.jpg", Edited(rgb, width, height, crop: 6, scale: 0.8, quality: 75));
        _site.Page("/board/1", """<html><body><h1>게시판</h1><img src="/m/copy-1.jpg"></body></html>""");
        var reporter = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl });
        var form = await reporter.NewPageAsync();
        await form.GotoAsync("/report");
        await form.FillAsync("#report-urls", _site.Url("board/1").AbsoluteUri);
        await form.SelectOptionAsync("#report-platform", "Website");
        await form.FillAsync("#report-description", "제 친구 사진이 합성되어 올라왔습니다.");
        await form.GetByRole(AriaRole.Button, new() { Name = "신고 보내기" }).ClickAsync();
        var receipt = (await form.GetByTestId("receipt").TextContentAsync(new() { Timeout = 30_000 }))!.Trim();
        Assert.Matches("^HR-", receipt);

        // 3. A Telegram channel with a public username posts another copy (Telegram recompresses photos).
        using (var half = NetVips.Image.NewFromBuffer(SyntheticImages.EncodeJpeg(rgb, width, height)).Resize(0.6))
        {
            var posted = half.JpegsaveBuffer(q: 80);
            _telegram.AddFile("day-77", posted, posted.Length);
            _telegram.AddUpdate("channel_post", BotApiStandIn.Channel(Channel, 77, BotApiStandIn.PhotoSizes(("day-77", posted.Length, 576)), username: "leak_room", title: "유출 방"));
        }

        // 4. The analyst signs in and uploads a seized zip holding a third copy (mirrored, JPEG 70) and an unrelated photo.
        var desk = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl });
        var analyst = await desk.NewPageAsync();
        await analyst.GotoAsync("/account/sign-in");
        await analyst.FillAsync("#sign-in-user", "admin");
        await analyst.FillAsync("#sign-in-password", _server.AdminPassword);
        await analyst.Locator("form button[type=submit]").ClickAsync();
        await analyst.WaitForURLAsync(url => !url.Contains("sign-in", StringComparison.Ordinal), new() { Timeout = 30_000 });
        var zip = Path.Combine(_files, "seized.zip");
        await using (var archive = await ZipFile.OpenAsync(zip, ZipArchiveMode.Create, cancellationToken: ct))
        {
            await using (var entry = await archive.CreateEntry("phone/DCIM/IMG_0001.jpg").OpenAsync(ct))
            {
                await entry.WriteAsync(Edited(rgb, width, height, crop: 0, scale: 1, quality: 70, mirror: true), ct);
            }

            await using (var other = await archive.CreateEntry("phone/DCIM/IMG_0002.jpg").OpenAsync(ct))
            {
                await other.WriteAsync(SyntheticImages.Jpeg(640, 480, 77), ct);
            }
        }

        await analyst.GotoAsync("/admin/ingest");
        await analyst.SetInputFilesAsync("#ingest-archive", zip);
        await analyst.GetByRole(AriaRole.Button, new() { Name = "가져오기" }).ClickAsync();

        // 5. Each copy reaches the queue: blurred, matched to her registration, with where it came from.
        var items = await WaitForAsync(() => MatchedItemsAsync(), found => found.Count >= 3, TimeSpan.FromSeconds(120), "the three copies in the queue");
        var web = items.Single(i => i.Url == _site.Url("m/copy-1.jpg").AbsoluteUri);
        var post = items.Single(i => i.Url == "https://t.me/leak_room/77");
        var seized = items.Single(i => i.Url is null);
        await analyst.GotoAsync("/review");
        await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, "02-queue-blurred.png"), FullPage = true });

        foreach (var (id, what) in new[] { (web.Id, "web"), (post.Id, "telegram"), (seized.Id, "seized") })
        {
            await analyst.GotoAsync($"/review/{id}");
            var preview = analyst.GetByTestId("item-preview");
            await analyst.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await preview.ElementHandleAsync());
            Assert.Equal(0, await analyst.GetByTestId("revealed").CountAsync());
            Assert.Equal(0, await AuditCountAsync("evidence.revealed", id));
            var provenance = analyst.GetByTestId("provenance");
            switch (what)
            {
                case "web":
                    Assert.Contains(_site.Url("board/1").AbsoluteUri, await provenance.InnerTextAsync(), StringComparison.Ordinal);
                    Assert.Contains(receipt, await analyst.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
                    break;
                case "telegram":
                    Assert.Equal("유출 방 (@leak_room)", (await provenance.GetByTestId("provenance-telegram-chat").InnerTextAsync()).Trim());
                    Assert.Contains("https://t.me/leak_room/77", await provenance.GetByTestId("provenance-telegram").InnerTextAsync(), StringComparison.Ordinal);
                    break;
                default:
                    Assert.Equal(1, await provenance.GetByTestId("provenance-batch").CountAsync());
                    break;
            }

            await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, $"03-{what}-blurred.png"), FullPage = true });
            await analyst.GetByTestId("reveal").First.ClickAsync();
            await analyst.GetByTestId("revealed").First.WaitForAsync(new() { Timeout = 30_000 });
            Assert.Equal(1, await AuditCountAsync("evidence.revealed", id));
            await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, $"04-{what}-revealed.png"), FullPage = true });

            // No decision is preselected; the analyst chooses and gives her reason.
            Assert.Equal(string.Empty, await analyst.Locator("#decision").InputValueAsync());
            await analyst.SelectOptionAsync("#decision", "Confirm");
            await analyst.FillAsync("#decision-reason", "피해자 등록 사진의 합성 사본");
            await analyst.GetByRole(AriaRole.Button, new() { Name = "결정 기록" }).ClickAsync();
            await analyst.Locator("#decision").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 30_000 });
        }

        // 6. Notices: the local host gets a contact with only an e-mail; Telegram's is there from the first run.
        await analyst.GotoAsync("/takedowns");
        await analyst.FillAsync("#contact-name", "로컬 호스팅");
        await analyst.FillAsync("#contact-hosts", "127.0.0.1");
        await analyst.FillAsync("#contact-email", "abuse@local.test");
        await analyst.GetByRole(AriaRole.Button, new() { Name = "연락처 저장" }).ClickAsync();
        await analyst.GetByText("연락처를 저장했습니다.").WaitForAsync();
        foreach (var id in new[] { web.Id, post.Id })
        {
            await analyst.GotoAsync($"/takedowns/send/{id}");
            await analyst.GetByRole(AriaRole.Button, new() { Name = "통지 보내기" }).ClickAsync();
            Assert.Contains("발송 완료", await analyst.GetByTestId("notice-result").InnerTextAsync(new() { Timeout = 30_000 }), StringComparison.Ordinal);
        }

        var mails = await _smtp.WaitForAsync(2, TimeSpan.FromSeconds(30));
        var toHost = mails.Single(m => m.Recipients.Contains("abuse@local.test", StringComparison.Ordinal)).Message.TextBody;
        Assert.Contains(_site.Url("m/copy-1.jpg").AbsoluteUri, toHost, StringComparison.Ordinal);
        Assert.Contains("게시된 페이지: " + _site.Url("board/1").AbsoluteUri, toHost, StringComparison.Ordinal);
        var toTelegram = mails.Single(m => m.Recipients.Contains("abuse@telegram.org", StringComparison.Ordinal)).Message.TextBody;
        Assert.Contains("https://t.me/leak_room/77", toTelegram, StringComparison.Ordinal);

        // 7. The local site removes its copy: the re-check marks it removed.
        _site.Remove("/m/copy-1.jpg");
        _site.Page("/board/1", """<html><body><h1>게시판</h1><p>삭제된 게시물입니다.</p></body></html>""");
        await WaitForAsync(() => NoticedStatusAsync(web.Id), status => status == "Removed", TimeSpan.FromSeconds(60), "the removal seen by the re-check");

        // 8. The victim's case, on her phone: notice sent and removed, and her copies.
        await victim.GotoAsync("/case");
        await victim.FillAsync("#case-number", caseNumber);
        await victim.FillAsync("#case-pin", pin);
        await victim.GetByRole(AriaRole.Button, new() { Name = "사건 열기" }).ClickAsync();
        var history = victim.GetByTestId("case-history");
        await history.WaitForAsync();
        Assert.Equal(2, await history.Locator("li[data-event=NoticeSent]").CountAsync());
        Assert.Equal(1, await history.Locator("li[data-event=Removed]").CountAsync());
        Assert.Contains("삭제 요청", await history.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("삭제 완료", await history.InnerTextAsync(), StringComparison.Ordinal);
        var copies = victim.GetByTestId("case-copies");
        Assert.Equal(3, await copies.Locator("li").CountAsync());
        Assert.Equal(1, await copies.Locator("li[data-state=Removed]").CountAsync());
        Assert.Equal(1, await copies.Locator("li[data-state=NotOnline]").CountAsync());
        Assert.Equal(1, await copies.Locator("li[data-state=NoticeSent]").CountAsync());
        Assert.DoesNotContain("127.0.0.1", await victim.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        // "Copy found" and "removed" each say what she can do next, beside the help block.
        await Assertions.Expect(victim.GetByTestId("next-steps-found")).ToContainTextAsync("당신의 잘못이 아니에요.");
        await Assertions.Expect(victim.GetByTestId("next-steps-removed")).ToContainTextAsync("1366");
        await Assertions.Expect(victim.GetByTestId("help-block")).ToBeVisibleAsync();
        await victim.ScreenshotAsync(new() { Path = Path.Combine(shots, "05-victim-case.png"), FullPage = true });

        // 9. The copy comes back on the same host (re-uploaded). The analyst now watches the board
        // (the report's link is also revisited, every 6 h): the copy is found and counted as re-appearing.
        _site.File("/m/copy-1-again.jpg", Edited(rgb, width, height, crop: 6, scale: 0.8, quality: 68));
        _site.Page("/board/1", """<html><body><h1>게시판</h1><img src="/m/copy-1-again.jpg"></body></html>""");
        await analyst.GotoAsync("/admin/sources");
        await analyst.FillAsync("#source-url", _site.Url("board/1").AbsoluteUri);
        await analyst.GetByRole(AriaRole.Button, new() { Name = "저장", Exact = true }).ClickAsync();
        await analyst.GetByRole(AriaRole.Button, new() { Name = "지금 방문" }).First.ClickAsync();
        var again = await WaitForAsync(() => MatchedItemsAsync(includeClassified: true), found => found.Any(i => i.Url == _site.Url("m/copy-1-again.jpg").AbsoluteUri), TimeSpan.FromSeconds(120), "the returning copy");
        await analyst.GotoAsync("/stats");
        var reappearance = await analyst.GetByTestId("stats-reappearance").InnerTextAsync();
        Assert.Contains("1", reappearance, StringComparison.Ordinal);
        await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, "06-stats.png"), FullPage = true });

        // 10. A fourth copy, posted later in the channel (cropped differently), is matched to the confirmed bank.
        using (var later = NetVips.Image.NewFromBuffer(Edited(rgb, width, height, crop: 9, scale: 0.7, quality: 72)))
        {
            var posted = later.JpegsaveBuffer(q: 75);
            _telegram.AddFile("day-90", posted, posted.Length);
            _telegram.AddUpdate("channel_post", BotApiStandIn.Channel(Channel, 90, BotApiStandIn.PhotoSizes(("day-90", posted.Length, 576)), username: "leak_room", title: "유출 방"));
        }

        var fourth = await WaitForAsync(() => MatchedItemsAsync(includeClassified: true), found => found.Any(i => i.Url == "https://t.me/leak_room/90"), TimeSpan.FromSeconds(120), "the fourth copy");
        var linked = fourth.Single(i => i.Url == "https://t.me/leak_room/90");
        Assert.Equal("AutoClassified", linked.Status);
        Assert.NotNull(linked.SameAsId);
        await analyst.GotoAsync($"/review/{linked.SameAsId}");
        Assert.Contains("https://t.me/leak_room/90", await analyst.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await analyst.ScreenshotAsync(new() { Path = Path.Combine(shots, "07-later-copies.png"), FullPage = true });
        Assert.Contains(again, i => i.Url == _site.Url("m/copy-1-again.jpg").AbsoluteUri);
    }

    private sealed record MatchedItem(long Id, string? Url, string Status, long? SameAsId);

    private async Task<List<MatchedItem>> MatchedItemsAsync(bool includeClassified = false)
    {
        await using var scope = _server!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        return await db.ReviewItems.AsNoTracking()
            .Where(r => r.MatchedEntryId != null && (includeClassified || r.Status != Haechi.Core.Review.ReviewStatus.AutoClassified))
            .OrderBy(r => r.Id)
            .Select(r => new MatchedItem(r.Id, r.Url, r.Status.ToString(), r.SameAsId))
            .ToListAsync(TestContext.Current.CancellationToken);
    }

    private async Task<string?> NoticedStatusAsync(long reviewItemId)
    {
        await using var scope = _server!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var status = await db.NoticedItems.AsNoTracking().Where(n => n.ReviewItemId == reviewItemId).Select(n => (Haechi.Core.Takedowns.NoticeStatus?)n.Status).FirstOrDefaultAsync(TestContext.Current.CancellationToken);
        return status?.ToString();
    }

    private async Task<int> AuditCountAsync(string action, long itemId)
    {
        await using var scope = _server!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
        var subject = "review-item:" + itemId.ToString(CultureInfo.InvariantCulture);
        return await db.AuditEntries.CountAsync(a => a.Action == action && a.Subject == subject, TestContext.Current.CancellationToken);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var until = TimeProvider.System.GetUtcNow() + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(TimeProvider.System.GetUtcNow() < until, "Timed out waiting for " + what + "; last seen: " + (value is System.Collections.IEnumerable list and not string ? string.Join("; ", list.Cast<object>()) : value?.ToString()));
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>An edited copy: <paramref name="crop"/> % off each side, scaled, optionally mirrored, as JPEG.</summary>
    private static byte[] Edited(byte[] rgb, int width, int height, int crop, double scale, int quality, bool mirror = false)
    {
        int dx = width * crop / 100, dy = height * crop / 100, w = width - (2 * dx), h = height - (2 * dy);
        var cropped = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        {
            Array.Copy(rgb, (((y + dy) * width) + dx) * 3, cropped, y * w * 3, w * 3);
        }

        using var image = NetVips.Image.NewFromMemory(cropped, w, h, 3, NetVips.Enums.BandFormat.Uchar);
        using var scaled = scale == 1 ? image.Copy() : image.Resize(scale);
        using var flipped = mirror ? scaled.FlipHor() : scaled.Copy();
        return flipped.JpegsaveBuffer(q: quality);
    }
}
