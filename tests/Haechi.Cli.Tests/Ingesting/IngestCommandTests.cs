using System.IO.Compression;
using System.Text.Json;
using Haechi.Cli.Tests.Watching;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Sealing;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Tests.Ingesting;

/// <summary><c>haechi ingest</c>: the durable pipeline from the command line, on files and on a site served on 127.0.0.1.</summary>
public sealed class IngestCommandTests : IAsyncLifetime
{
    private const int Width = 480, Height = 360;
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-ingest-").FullName;
    private TestSite _site = null!;
    private byte[] _registered = null!;

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

    /// <summary>Registers one synthetic photo in bank "victims".</summary>
    private void Register()
    {
        _registered = SyntheticImages.DrawRgb(Width, Height, 71);
        var path = WriteFile("registered.jpg", SyntheticImages.EncodeJpeg(_registered, Width, Height));
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-1", path).ExitCode);
    }

    private async Task<HaechiDbContext> OpenAsync() => await HaechiDatabase.OpenAsync(DataDir, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Ingest_FilesAndUrls_MatchSentToReviewOnce_RepeatCountedNotReviewed()
    {
        Register();
        var copy = ImageEdits.Apply(_registered, Width, Height, ImageEdit.JpegQ30);
        _site.File("/m/copy.jpg", copy);
        _site.File("/m/other.png", SyntheticImages.Png(Width, Height, 905));
        var file = WriteFile("copy.jpg", copy);
        var added = Haechi("ingest", "add", file, _site.Url("m/copy.jpg").AbsoluteUri, _site.Url("m/other.png").AbsoluteUri);
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Equal(3, CliRunner.Lines(added.Out).Count(l => l.StartsWith("accepted\t", StringComparison.Ordinal)));
        Assert.StartsWith("already-queued\t", Haechi("ingest", "add", file).Out, StringComparison.Ordinal);

        var run = Haechi("ingest", "run", "--until-idle", "--allow-private");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("finished\t3", run.Out.Trim());

        var status = JsonDocument.Parse(Haechi("ingest", "status", "--json").Out).RootElement;
        Assert.Equal(3, status.GetProperty("states").GetProperty("done").GetInt32());
        Assert.Equal(1, status.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, status.GetProperty("sent_to_review").GetInt32());
        Assert.Equal("ok", status.GetProperty("health").GetString());

        await using var db = await OpenAsync();
        var review = await db.ReviewItems.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        var item = Assert.Single(review);
        Assert.Equal(ReviewItemKind.BankMatch, item.Kind);
        Assert.InRange(item.MatchStrength, 0.3, 1.0);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(copy), item.Sha256);
        var items = await db.IngestItems.AsNoTracking().OrderBy(i => i.Id).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"ingest:{items[0].Id}", item.SourceId);
        Assert.Equal(items[0].Id, items[1].DuplicateOf);
        Assert.Null(items[2].ReviewItemId);

        // Stored sealed: the plaintext is not in the blob, and it opens only with its own item's context.
        var contents = await db.IngestContents.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, contents.Count);
        var sealer = SealingKeyFile.Load(DataDir);
        var first = contents.Single(c => c.ItemId == items[0].Id);
        Assert.Equal(-1, first.Sealed.AsSpan().IndexOf(copy.AsSpan(0, 64)));
        Assert.Equal(copy, sealer.Open(first.Sealed, IngestionPipeline.SealingContext(items[0].Id)));
        Assert.Throws<SealedContentException>(() => sealer.Open(first.Sealed, IngestionPipeline.SealingContext(items[2].Id)));

        // Every fetch is audited once: source, kind and fingerprint; never the URL.
        var audit = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "ingest.fetched").ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, audit.Count);
        Assert.All(audit, a => Assert.DoesNotContain("127.0.0.1", a.Detail, StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Detail.Contains(Convert.ToHexStringLower(item.Sha256!), StringComparison.Ordinal) && a.Detail.Contains("duplicate-of", StringComparison.Ordinal));

        // A second run finds nothing to do and adds nothing.
        Assert.Equal("finished\t0", Haechi("ingest", "run", "--until-idle", "--allow-private").Out.Trim());
        Assert.Equal(1, await db.ReviewItems.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Ingest_QueueOverLimit_RefusedWithClearStatus()
    {
        var a = WriteFile("a.png", SyntheticImages.Png(64, 64, 1));
        var b = WriteFile("b.png", SyntheticImages.Png(64, 64, 2));
        Assert.Equal(0, Haechi("ingest", "add", "--max-pending", "1", a).ExitCode);
        var refused = Haechi("ingest", "add", "--max-pending", "1", b);
        Assert.Equal(75, refused.ExitCode);
        Assert.Contains("queue-full: 1 items pending (limit 1)", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0, Haechi("ingest", "run", "--until-idle").ExitCode);
        Assert.Equal(0, Haechi("ingest", "add", "--max-pending", "1", b).ExitCode);
    }

    [Fact]
    public void Ingest_PrivateAddressAndUndecodable_FailWithCodes_RetryResumes()
    {
        _site.File("/m/x.png", SyntheticImages.Png(Width, Height, 7));
        var broken = WriteFile("broken.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 2, 3, 4, 5]);
        Assert.Equal(0, Haechi("ingest", "add", _site.Url("m/x.png").AbsoluteUri, broken).ExitCode);
        Assert.Equal("finished\t0", Haechi("ingest", "run", "--until-idle").Out.Trim());
        var status = Haechi("ingest", "status").Out;
        Assert.Contains("failed\t2", status, StringComparison.Ordinal);
        Assert.Contains("failed:blocked-private\t1", status, StringComparison.Ordinal);
        Assert.Contains("failed:undecodable\t1", status, StringComparison.Ordinal);

        Assert.Equal("retried\t1", Haechi("ingest", "retry", "1").Out.Trim());
        Assert.Equal("not-failed\t1", Haechi("ingest", "retry", "1").Out.Trim());
        Assert.Equal("finished\t1", Haechi("ingest", "run", "--until-idle", "--allow-private").Out.Trim());
        Assert.Contains("failed\t1", Haechi("ingest", "status").Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_Zip_RefusesTraversalAndBomb_ManifestListsTheRest_CopiesRemovedOnceSealed()
    {
        Register();
        var zip = Path.Combine(_dir, "seized.zip");
        await using (var archive = await ZipFile.OpenAsync(zip, ZipArchiveMode.Create, TestContext.Current.CancellationToken))
        {
            void Add(string name, byte[] bytes)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(bytes);
            }

            Add("photos/one.jpg", ImageEdits.Apply(_registered, Width, Height, ImageEdit.Half));
            Add("photos/two.png", SyntheticImages.Png(Width, Height, 333));
            Add("../../escape.jpg", SyntheticImages.Jpeg(64, 64, 5));
            Add("bomb.bin", new byte[20 * 1024 * 1024]);
        }

        var imported = Haechi("ingest", "import", zip);
        Assert.Equal(1, imported.ExitCode);
        var lines = CliRunner.Lines(imported.Out);
        Assert.Contains(lines, l => l.Contains("\tpath-traversal\t", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\tzip-bomb\t", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.Contains("\tqueued\t", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("escape", StringComparison.Ordinal) || l.Contains("one.jpg", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_dir, "escape.jpg")));
        var batch = lines[^1].Split('\t')[1];

        Assert.Equal("finished\t2", Haechi("ingest", "run", "--until-idle").Out.Trim());
        var manifest = CliRunner.Lines(Haechi("ingest", "manifest", batch).Out);
        Assert.Equal(2, manifest.Length);
        Assert.All(manifest, l =>
        {
            var f = l.Split('\t');
            Assert.Equal(32, f[0].Length);
            Assert.True(long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal(64, f[2].Length);
            Assert.Equal("done", f[3]);
        });
        Assert.Empty(Directory.GetFiles(Path.Combine(DataDir, "imports", batch)));
        await using var db = await OpenAsync();
        Assert.Equal(1, await db.ReviewItems.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Import_Folder_QueuesEveryFile()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "drop", "sub")).Parent!.FullName;
        File.WriteAllBytes(Path.Combine(folder, "a.png"), SyntheticImages.Png(64, 64, 10));
        File.WriteAllBytes(Path.Combine(folder, "sub", "b.png"), SyntheticImages.Png(64, 64, 11));
        var imported = Haechi("ingest", "import", folder);
        Assert.True(imported.ExitCode == 0, imported.Error);
        Assert.Equal(2, CliRunner.Lines(imported.Out).Count(l => l.Contains("\tqueued\t", StringComparison.Ordinal)));
        Assert.Equal("finished\t2", Haechi("ingest", "run", "--until-idle").Out.Trim());
        Assert.True(File.Exists(Path.Combine(folder, "a.png")), "files imported from a folder are the analyst's: left in place");
    }
}
