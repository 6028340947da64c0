using System.Security.Cryptography;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Review;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Tests.Ingesting;

/// <summary>
/// <c>haechi ingest</c> sends matches through the same review queue as the server: content already
/// decided (same SHA-256, or PDQ within 31 bits) is classified by that decision and never shown again.
/// </summary>
public sealed class IngestReviewTests : IAsyncLifetime
{
    private const int Width = 480, Height = 360;
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-ingest-review-").FullName;
    private TestSite _site = null!;

    private string DataDir => Path.Combine(_dir, "data");

    public async ValueTask InitializeAsync() => _site = await TestSite.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", DataDir, .. args]);

    private string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void IngestAndRun(string input)
    {
        var added = Haechi("ingest", "add", input);
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.StartsWith("accepted\t", added.Out, StringComparison.Ordinal);
        var run = Haechi("ingest", "run", "--until-idle", "--allow-private");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("finished\t1", run.Out.Trim());
    }

    private async Task<HaechiDbContext> OpenAsync() => await HaechiDatabase.OpenAsync(DataDir, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Ingest_ContentDecidedInTheStore_AutoClassifiedSameAsDecision_NotOpen()
    {
        var ct = TestContext.Current.CancellationToken;
        var registered = SyntheticImages.DrawRgb(Width, Height, 71);
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-1", WriteFile("registered.jpg", SyntheticImages.EncodeJpeg(registered, Width, Height))).ExitCode);

        // A first copy matches the bank and is shown to an analyst, who confirms it.
        IngestAndRun(WriteFile("first.jpg", ImageEdits.Apply(registered, Width, Height, ImageEdit.JpegQ30)));
        long decidedId;
        await using (var db = await OpenAsync())
        {
            var first = await db.ReviewItems.SingleAsync(ct);
            Assert.Equal(ReviewStatus.Open, first.Status);
            first.Status = ReviewStatus.Decided;
            first.Decision = ReviewDecision.Confirm;
            first.Reason = "confirmed copy";
            first.DecidedAt = DateTimeOffset.UnixEpoch;
            await db.SaveChangesAsync(ct);
            decidedId = first.Id;
        }

        // A re-encoded copy (other bytes, PDQ within 31 bits) fetched from a site: classified by that decision.
        var second = ImageEdits.Apply(registered, Width, Height, ImageEdit.JpegQ70);
        _site.File("/m/second.jpg", second);
        IngestAndRun(_site.Url("m/second.jpg").AbsoluteUri);

        // The exact bytes of a report decided as not abuse (no PDQ stored): classified by SHA-256, which is looked up first.
        var third = ImageEdits.Apply(registered, Width, Height, ImageEdit.Half);
        long reportId;
        await using (var db = await OpenAsync())
        {
            var report = new ReviewItemRecord { Kind = ReviewItemKind.Report, SourceId = "report-1", Sha256 = SHA256.HashData(third), Status = ReviewStatus.Decided, Decision = ReviewDecision.NotAbuse, CreatedAt = DateTimeOffset.UnixEpoch };
            db.ReviewItems.Add(report);
            await db.SaveChangesAsync(ct);
            reportId = report.Id;
        }

        IngestAndRun(WriteFile("third.jpg", third));

        await using (var db = await OpenAsync())
        {
            var items = await db.ReviewItems.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct);
            var decided = items.Single(r => r.Id == decidedId);
            var web = items.Single(r => r.Sha256 is { } sha && sha.AsSpan().SequenceEqual(SHA256.HashData(second)));
            Assert.InRange(Hash256.Distance(Hash256.ReadBigEndian(decided.Pdq), Hash256.ReadBigEndian(web.Pdq)), 1, ReviewRules.SameContentPdqDistance);
            Assert.Equal(ReviewStatus.AutoClassified, web.Status);
            Assert.Equal(decidedId, web.SameAsId);
            Assert.Equal(ReviewDecision.Confirm, web.Decision);
            Assert.Equal(ReviewItemKind.WebItem, web.Kind);
            Assert.Equal(_site.Url("m/second.jpg").AbsoluteUri, web.Url);

            var exact = items.Single(r => r.Sha256 is { } sha && sha.AsSpan().SequenceEqual(SHA256.HashData(third)) && r.Id != reportId);
            Assert.Equal(ReviewStatus.AutoClassified, exact.Status);
            Assert.Equal(reportId, exact.SameAsId);
            Assert.Equal(ReviewDecision.NotAbuse, exact.Decision);
            Assert.Equal(ReviewItemKind.BankMatch, exact.Kind);
            Assert.Null(exact.Url);

            Assert.Equal(1, decided.ReturnCount);
            Assert.Equal(1, items.Single(r => r.Id == reportId).ReturnCount);
            Assert.DoesNotContain(items, r => r.Status == ReviewStatus.Open);

            // Each ingestion item points at its review item and is done: nothing is waiting to be shown.
            var ingested = await db.IngestItems.AsNoTracking().OrderBy(i => i.Id).ToListAsync(ct);
            Assert.Equal(3, ingested.Count);
            Assert.All(ingested, i => Assert.NotNull(i.ReviewItemId));
            Assert.Equal(web.Id, ingested[1].ReviewItemId);
            Assert.Equal(exact.Id, ingested[2].ReviewItemId);
        }

        // A second run submits nothing again (the sink is idempotent per source id).
        Assert.Equal("finished\t0", Haechi("ingest", "run", "--until-idle", "--allow-private").Out.Trim());
        await using (var db = await OpenAsync())
        {
            Assert.Equal(4, await db.ReviewItems.CountAsync(ct));
        }
    }
}
