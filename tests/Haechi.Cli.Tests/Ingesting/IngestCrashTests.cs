using System.Diagnostics;
using Haechi.Data;
using Haechi.Data.Ingestion;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Tests.Ingesting;

/// <summary>
/// The crash test: the CLI worker runs as a child process and is killed (SIGKILL) ten times while
/// it ingests; after a final run every accepted item is processed exactly once, and the review
/// queue holds the same items as an uninterrupted run of the same input. The worker commits in
/// batches (group commit), so the input is large enough (182 items, several batches per kill at
/// most) for all ten kills to land mid-ingestion.
/// </summary>
public sealed class IngestCrashTests : IDisposable
{
    private const int Width = 480, Height = 360;
    private const int Generated = 180, Total = Generated + 2;
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-crash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int ExitCode, string Out, string Error) Haechi(string dataDir, params string[] args) => CliRunner.Run(["--data-dir", dataDir, .. args]);

    [Fact]
    public async Task Run_KilledTenTimesMidIngestion_EveryItemProcessedExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var data = Path.Combine(_dir, "data");
        var files = Directory.CreateDirectory(Path.Combine(_dir, "files")).FullName;

        // Three registered photos; edited copies of them (each pair unique) among the first 60, unrelated photos, and two exact repeats.
        var registered = new byte[3][];
        for (var p = 0; p < 3; p++)
        {
            registered[p] = SyntheticImages.DrawRgb(Width, Height, 200 + p);
            var path = Path.Combine(_dir, $"registered-{p}.jpg");
            await File.WriteAllBytesAsync(path, SyntheticImages.EncodeJpeg(registered[p], Width, Height), ct);
            if (p == 0)
            {
                Assert.Equal(0, Haechi(data, "bank", "create", "victims").ExitCode);
            }

            Assert.Equal(0, Haechi(data, "bank", "add", "victims", "--id", $"case-{p}", path).ExitCode);
        }

        ImageEdit[] edits = [ImageEdit.JpegQ30, ImageEdit.Half, ImageEdit.JpegQ70, ImageEdit.Crop5];
        var inputs = new List<string>();
        for (var k = 0; k < Generated; k++)
        {
            var bytes = k % 6 == 0 && k < 60
                ? ImageEdits.Apply(registered[k / 6 % 3], Width, Height, edits[k / 6 / 3])
                : SyntheticImages.Png(Width, Height, 5000 + k);
            var path = Path.Combine(files, $"{k:D3}.img");
            await File.WriteAllBytesAsync(path, bytes, ct);
            inputs.Add(path);
        }

        File.Copy(inputs[0], Path.Combine(files, "repeat-a.img"));
        File.Copy(inputs[6], Path.Combine(files, "repeat-b.img"));
        inputs.Add(Path.Combine(files, "repeat-a.img"));
        inputs.Add(Path.Combine(files, "repeat-b.img"));
        var added = Haechi(data, ["ingest", "add", .. inputs]);
        Assert.True(added.ExitCode == 0, added.Error);

        // The uninterrupted reference: the same queue, copied before any worker ran.
        var reference = Path.Combine(_dir, "reference");
        CopyDirectory(data, reference);
        Assert.Equal($"finished\t{Total}", Haechi(reference, "ingest", "run", "--until-idle").Out.Trim());

        var open = StoreContextFactory.For(new DatabaseLocation(data));
        var kills = 0;
        var lastDone = 0;
        while (kills < 10)
        {
            using var worker = StartWorker(data);
            var watch = Stopwatch.StartNew();
            var done = lastDone;
            while (!worker.HasExited && done <= lastDone && watch.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(15, ct);
                await using var db = await open(ct);
                done = await db.IngestItems.CountAsync(i => i.State == IngestState.Done, ct);
            }

            Assert.False(worker.HasExited, "the worker exited before it could be killed: " + Errors);
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync(ct);
            kills++;
            lastDone = done;
        }

        Assert.True(lastDone < Total, "every kill must land mid-ingestion");
        TestContext.Current.TestOutputHelper?.WriteLine($"{kills} kills; {lastDone} of {Total} items done before the final run");
        var final = Haechi(data, "ingest", "run", "--until-idle", "--lease", "1");
        Assert.True(final.ExitCode == 0, final.Error);

        await using (var db = await open(ct))
        await using (var refDb = await StoreContextFactory.For(new DatabaseLocation(reference))(ct))
        {
            var items = await db.IngestItems.AsNoTracking().ToListAsync(ct);
            Assert.Equal(Total, items.Count);
            Assert.All(items, i => Assert.Equal(IngestState.Done, i.State));
            Assert.Equal(2, items.Count(i => i.DuplicateOf is not null));

            var review = await db.ReviewItems.AsNoTracking().Select(r => r.SourceId).ToListAsync(ct);
            var expected = await refDb.ReviewItems.AsNoTracking().Select(r => r.SourceId).ToListAsync(ct);
            Assert.InRange(expected.Count, 8, 10);
            Assert.Equal(review.Count, review.Distinct().Count());
            Assert.Equal(expected.Order(), review.Order());

            var fetched = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "ingest.fetched").Select(a => a.Subject).ToListAsync(ct);
            Assert.Equal(Total, fetched.Count);
            Assert.Equal(Total, fetched.Distinct().Count());
            Assert.Equal(Total, await db.IngestDigests.SumAsync(d => d.SeenCount, ct));
            Assert.Equal(Generated, await db.IngestContents.CountAsync(ct));
        }

        var verify = Haechi(data, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Error);
    }

    private static readonly System.Text.StringBuilder Errors = new();

    private static Process StartWorker(string data)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { CliAssembly(), "--data-dir", data, "ingest", "run", "--jobs", "2", "--lease", "1", "--retry-delay", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (Errors)
                {
                    Errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // The CLI's own build output (its deps.json resolves its packages; the copy beside the tests does not):
    // the same configuration and framework folder as this test assembly.
    private static string CliAssembly()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var root = configuration.Parent!;
        while (!File.Exists(Path.Combine(root.FullName, "Haechi.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Haechi.slnx not found above the test assembly.");
        }

        var path = Path.Combine(root.FullName, "src", "Haechi.Cli", "bin", configuration.Name, framework.Name, "haechi.dll");
        Assert.True(File.Exists(path), path + " is missing: build src/Haechi.Cli");
        return path;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
