using Haechi.Core.Takedowns;
using Haechi.Media.Images;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Notices;

namespace Haechi.Pipeline.Tests.Notices;

public sealed class RecheckNoticedItemTests : IAsyncLifetime
{
    private TestSite _site = null!;

    public async ValueTask InitializeAsync() => _site = await TestSite.StartAsync();

    public async ValueTask DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task RunAsync_SiteRemovesOneImage_RemovedWithTimeToRemoval_OtherStillThereAndRenotified()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = SyntheticImages.Jpeg(800, 600, 41);
        var second = SyntheticImages.Jpeg(800, 600, 42);
        _site.File("/a.jpg", first);
        _site.File("/b.jpg", second);
        var fingerprinter = new ImageFingerprinter();
        var pdqA = fingerprinter.Fingerprint(first).Pdq;
        var pdqB = fingerprinter.Fingerprint(second).Pdq;
        using var fetcher = new SafeFetcher(FetchOptions.Default with { AllowPrivateAddresses = true });
        var recheck = new RecheckNoticedItem(fetcher);
        var policy = new NoticePolicy { RenotifyInterval = TimeSpan.FromMilliseconds(300) };

        var noticedAt = DateTimeOffset.UnixEpoch.AddYears(56);
        var a = NoticeRules.NoticeSent(new NoticeState(), noticedAt);
        var b = NoticeRules.NoticeSent(new NoticeState(), noticedAt);
        Assert.Equal(RecheckOutcome.StillThere, (await recheck.RunAsync(_site.Url("a.jpg"), pdqA, ct))!.Outcome);

        // The host takes a.jpg down and replaces b.jpg with a re-encoded copy: a is removed, b is still there.
        _site.Remove("/a.jpg");
        _site.File("/b.jpg", SyntheticImages.Jpeg(800, 600, 42, quality: 40));
        var resultA = await recheck.RunAsync(_site.Url("a.jpg"), pdqA, ct);
        var resultB = await recheck.RunAsync(_site.Url("b.jpg"), pdqB, ct);
        Assert.Equal(RecheckOutcome.Gone, resultA!.Outcome);
        Assert.Equal(RecheckOutcome.StillThere, resultB!.Outcome);
        a = NoticeRules.Rechecked(a, resultA.Outcome, resultA.CheckedAt);
        b = NoticeRules.Rechecked(b, resultB.Outcome, resultB.CheckedAt);
        Assert.Equal(NoticeStatus.Removed, a.Status);
        Assert.True(NoticeRules.TimeToRemoval(a) > TimeSpan.Zero);
        Assert.Equal(NoticeAction.None, NoticeRules.NextAction(a, resultA.CheckedAt.AddDays(1), policy));
        Assert.Equal(NoticeAction.RecheckAndRenotify, NoticeRules.NextAction(b, resultB.CheckedAt, policy));

        // An unrelated image at b's URL: changed, which ends the notice as removed.
        _site.File("/b.jpg", SyntheticImages.Jpeg(800, 600, 99));
        Assert.Equal(RecheckOutcome.Changed, (await recheck.RunAsync(_site.Url("b.jpg"), pdqB, ct))!.Outcome);
    }

    [Fact]
    public async Task RunAsync_NoticedPage_ReadForItsMedia_StillThereThenGoneWhenThePostLosesTheImage()
    {
        var ct = TestContext.Current.CancellationToken;
        var posted = SyntheticImages.Jpeg(800, 600, 51);
        var pdq = new ImageFingerprinter().Fingerprint(posted).Pdq;
        _site.File("/media/p.jpg", posted);
        _site.File("/media/other.jpg", SyntheticImages.Jpeg(800, 600, 52));
        // A post page (as a public t.me post shows it: og:image plus the image), and a page of links that are pages themselves.
        _site.Page("/room/7", "<html><head><meta property=\"og:image\" content=\"/media/other.jpg\"></head><body><img src=\"/media/p.jpg\"></body></html>");
        using var fetcher = new SafeFetcher(FetchOptions.Default with { AllowPrivateAddresses = true });
        var recheck = new RecheckNoticedItem(fetcher);

        var there = await recheck.RunAsync(_site.Url("room/7"), pdq, ct);
        Assert.Equal(RecheckOutcome.StillThere, there!.Outcome);
        Assert.Equal(0, there.Distance);

        // The post is deleted: the page still answers, showing only the channel's picture.
        _site.Page("/room/7", "<html><head><meta property=\"og:image\" content=\"/media/other.jpg\"></head><body><img src=\"/room/8\"></body></html>");
        _site.Page("/room/8", "<html><body><img src=\"/media/p.jpg\"></body></html>");
        var gone = await recheck.RunAsync(_site.Url("room/7"), pdq, ct);
        Assert.Equal(RecheckOutcome.Gone, gone!.Outcome);
        Assert.True(gone.Distance > 31, "the other image is not the content; the linked page is not followed");

        // A private channel link cannot be read from outside: unknown, so notices go on.
        Assert.Null(await recheck.RunAsync(new Uri("https://t.me/c/1234567890/7"), pdq, ct));
    }
}
