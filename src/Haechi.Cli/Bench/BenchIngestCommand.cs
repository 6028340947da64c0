using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Cli.Bench;

/// <summary>
/// <c>haechi bench ingest</c>: the pipeline's throughput (enqueue, then workers until idle: read,
/// seal, store, de-duplicate, audit, fingerprint, match, review) on synthetic photos in a scratch
/// data directory, once with a batch of one item per commit (the pipeline before group commit),
/// once with group commit and empty banks, and once with group commit and a victims' bank of
/// <c>--registered</c> photos with the default signals (PDQ and its views, so queries also compute
/// and search views; a tenth of the ingested photos are among them and must be found), beside a
/// baseline in the same process that only reads, hashes (SHA-256) and fingerprints (PDQ) the same
/// files with the same concurrency. Every run goes through the CLI's generic host (<see cref="CliServices"/>: the one matcher, the review queue).
/// </summary>
internal static class BenchIngestCommand
{
    private const ulong Seed = 0x4861656368694931; // "HaechiI1"

    public static Command Create(CliConsole console)
    {
        var items = new Option<int>("--items") { Description = "Synthetic photos ingested.", DefaultValueFactory = _ => 300 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Pipeline concurrency (and baseline threads).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var size = new Option<int>("--width") { Description = "Photo width (height is 3/4 of it).", DefaultValueFactory = _ => 640 };
        var batch = new Option<int>("--batch") { Description = "Items per group commit.", DefaultValueFactory = _ => IngestionOptions.Default.BatchSize };
        var registered = new Option<int>("--registered") { Description = "Photos registered in a victims' bank (default signals) for the last run; 0 skips it.", DefaultValueFactory = _ => 10_000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures." };
        var command = new Command(
            "ingest",
            "Measure the ingestion pipeline (items/s): one item per commit, group commit with empty banks, group commit with registered victims' photos; against a fingerprint-only loop on the same photos. "
            + "Measured 2026-12-07, 2 shared cores, defaults: 19.9, 49.0 and 19.2 items/s (10,000 registered photos), baseline 151.7.")
        {
            items, jobs, size, batch, registered, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var count = Math.Max(1, result.GetValue(items));
            var concurrency = Math.Clamp(result.GetValue(jobs), 1, 64);
            var width = Math.Clamp(result.GetValue(size), 64, 4096);
            var height = width * 3 / 4;
            var batchSize = Math.Clamp(result.GetValue(batch), 1, 1000);
            var registeredCount = Math.Max(0, result.GetValue(registered));
            var scratch = Directory.CreateTempSubdirectory("haechi-bench-ingest-");
            try
            {
                var files = new string[count];
                for (var i = 0; i < count; i++)
                {
                    files[i] = Path.Combine(scratch.FullName, i.ToString("D6", CultureInfo.InvariantCulture) + ".jpg");
                    await File.WriteAllBytesAsync(files[i], SyntheticImages.Jpeg(width, height, 10_000 + i), ct).ConfigureAwait(false);
                }

                // Baseline: read, SHA-256 and PDQ, nothing stored.
                var start = Stopwatch.GetTimestamp();
                await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
                {
                    var bytes = await File.ReadAllBytesAsync(files[i], token).ConfigureAwait(false);
                    _ = SHA256.HashData(bytes);
                    _ = new ImageFingerprinter().Fingerprint(bytes);
                }).ConfigureAwait(false);
                var baseline = count / Stopwatch.GetElapsedTime(start).TotalSeconds;

                // The same photos through the pipeline, each run in a fresh store: a batch of 1 (every
                // item its own commits, as before group commit), a batch of --batch items, and the
                // same with a victims' bank of --registered photos.
                var single = await RunPipelineAsync(new DatabaseLocation(Path.Combine(scratch.FullName, "single")), files, concurrency, 1, ct).ConfigureAwait(false);
                var grouped = await RunPipelineAsync(new DatabaseLocation(Path.Combine(scratch.FullName, "grouped")), files, concurrency, batchSize, ct).ConfigureAwait(false);
                Run? withBank = null;
                var registeredFound = 0;
                var registeredAmongItems = 0;
                if (registeredCount > 0)
                {
                    // A tenth of the photos ingested are registered (real fingerprints), the rest of the bank is synthetic.
                    registeredAmongItems = Math.Min(registeredCount, Math.Max(1, count / 10));
                    var real = SyntheticRegistrations.Fingerprint(files.Take(registeredAmongItems).ToList(), SyntheticRegistrations.DefaultFamilies);
                    var location = new DatabaseLocation(Path.Combine(scratch.FullName, "registered"));
                    await new SyntheticRegistrations(real, Seed).InsertAsync(location, "victims", registeredCount, null, ct).ConfigureAwait(false);
                    withBank = await RunPipelineAsync(location, files, concurrency, batchSize, ct).ConfigureAwait(false);
                    registeredFound = await CountMatchedAsync(location, registeredAmongItems, ct).ConfigureAwait(false);
                }

                var figures = new BenchIngestFigures
                {
                    Items = count,
                    Width = width,
                    Height = height,
                    Concurrency = concurrency,
                    Cores = Environment.ProcessorCount,
                    Batch = batchSize,
                    EnqueuePerSecond = grouped.Enqueue,
                    Batch1PerSecond = single.PerSecond,
                    GroupCommitPerSecond = grouped.PerSecond,
                    BaselinePerSecond = baseline,
                    Registered = registeredCount,
                    RegisteredPerSecond = withBank?.PerSecond,
                    RegisteredMatcherLoadSeconds = withBank?.LoadSeconds,
                    RegisteredAmongItems = registeredAmongItems,
                    RegisteredFound = registeredFound,
                    MatchedItems = withBank?.Matched ?? 0,
                    Finished = Math.Min(Math.Min(single.Finished, grouped.Finished), withBank?.Finished ?? count),
                };
                if (result.GetValue(json))
                {
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(figures, BenchJson.Options)).ConfigureAwait(false);
                }
                else
                {
                    Print(console.Out, figures);
                }

                return figures.Finished == count && registeredFound == registeredAmongItems ? 0 : 1;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }

    private static async Task<Run> RunPipelineAsync(DatabaseLocation location, string[] files, int concurrency, int batchSize, CancellationToken ct)
    {
        var options = IngestionOptions.Default with { Concurrency = concurrency, MaxPending = files.Length + 1, BatchSize = batchSize };
        // A scratch SQLite store, whatever ConnectionStrings__Haechi says.
        await using var services = CliServices.Create(location.DataDirectory, new Dictionary<string, string?> { ["ConnectionStrings:Haechi"] = string.Empty });
        var pipeline = await services.OpenPipelineAsync(options, FetchOptions.Default, ct).ConfigureAwait(false);

        // The matcher loads its indexes once per process (a server at start): not part of items/s.
        var start = Stopwatch.GetTimestamp();
        await services.Services.GetRequiredService<Matcher>().EnsureLoadedAsync(ct).ConfigureAwait(false);
        var load = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        for (var i = 0; i < files.Length; i++)
        {
            await pipeline.EnqueueAsync(new IngestRequest("bench", i.ToString(CultureInfo.InvariantCulture), FilePath: files[i]), ct).ConfigureAwait(false);
        }

        var enqueue = files.Length / Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        var finished = await pipeline.RunAsync(untilIdle: true, ct).ConfigureAwait(false);
        var run = finished / Stopwatch.GetElapsedTime(start).TotalSeconds;
        await using var db = await HaechiDatabase.OpenAsync(location, ct).ConfigureAwait(false);
        var matched = await db.IngestItems.CountAsync(i => i.MatchCount > 0, ct).ConfigureAwait(false);
        return new Run(enqueue, run, finished, load, matched);
    }

    // Items 0..registered-1 (by external id) that matched the bank entry registered from the same photo.
    private static async Task<int> CountMatchedAsync(DatabaseLocation location, int registered, CancellationToken ct)
    {
        await using var db = await HaechiDatabase.OpenAsync(location, ct).ConfigureAwait(false);
        var entries = await db.BankEntries.AsNoTracking().Where(e => e.ExternalId != null).Select(e => new { e.Id, e.ExternalId }).ToListAsync(ct).ConfigureAwait(false);
        var photoOfEntry = entries.ToDictionary(e => e.Id, e => int.Parse(e.ExternalId!.AsSpan("BENCH-".Length), CultureInfo.InvariantCulture));
        var items = await db.IngestItems.AsNoTracking().Where(i => i.MatchedEntryId != null).Select(i => new { i.SourceId, i.MatchedEntryId }).ToListAsync(ct).ConfigureAwait(false);
        var found = 0;
        foreach (var item in items)
        {
            var photo = int.Parse(item.SourceId, CultureInfo.InvariantCulture);
            found += photo < registered && photoOfEntry.TryGetValue(item.MatchedEntryId!.Value, out var entryPhoto) && entryPhoto == photo ? 1 : 0;
        }

        return found;
    }

    private static void Print(TextWriter output, BenchIngestFigures f)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench ingest: {f.Items} synthetic {f.Width}x{f.Height} JPEG files, concurrency {f.Concurrency}, {f.Cores} cores, SQLite store, vision off"));
        output.WriteLine(string.Create(c, $"  enqueue (durable insert)               {f.EnqueuePerSecond,9:F1} items/s"));
        output.WriteLine(string.Create(c, $"  pipeline, batch 1 (before)             {f.Batch1PerSecond,9:F1} items/s   (empty banks, {f.Batch1PerSecond / f.BaselinePerSecond:P0} of baseline)"));
        output.WriteLine(string.Create(c, $"  pipeline, group commit batch {f.Batch,-4}      {f.GroupCommitPerSecond,9:F1} items/s   (empty banks, {f.GroupCommitPerSecond / f.BaselinePerSecond:P0} of baseline, {f.GroupCommitPerSecond / f.Batch1PerSecond:F1}x batch 1)"));
        if (f.RegisteredPerSecond is { } registered)
        {
            output.WriteLine(string.Create(c, $"  pipeline, group commit batch {f.Batch,-4}      {registered,9:F1} items/s   ({f.Registered:N0} registered photo{(f.Registered == 1 ? string.Empty : "s")}, {registered / f.BaselinePerSecond:P0} of baseline, {registered / f.GroupCommitPerSecond:P0} of empty banks)"));
            output.WriteLine(string.Create(c, $"    registered photos among the items found: {f.RegisteredFound} of {f.RegisteredAmongItems}; items matched: {f.MatchedItems}; matcher loaded in {f.RegisteredMatcherLoadSeconds:F1} s (not counted)"));
        }

        output.WriteLine(string.Create(c, $"  baseline (read+SHA-256+PDQ only)       {f.BaselinePerSecond,9:F1} items/s"));
    }

    private sealed record Run(double Enqueue, double PerSecond, int Finished, double LoadSeconds, int Matched);
}

/// <summary>Figures of one <c>haechi bench ingest</c> run (items per second).</summary>
internal sealed record BenchIngestFigures
{
    public required int Items { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    public required int Concurrency { get; init; }

    public required int Cores { get; init; }

    public required int Batch { get; init; }

    public required double EnqueuePerSecond { get; init; }

    public required double Batch1PerSecond { get; init; }

    public required double GroupCommitPerSecond { get; init; }

    public required double BaselinePerSecond { get; init; }

    /// <summary>Photos in the victims' bank of the last run (0: not run).</summary>
    public required int Registered { get; init; }

    /// <summary>Group commit with the registered photos; null when not run.</summary>
    public required double? RegisteredPerSecond { get; init; }

    public required double? RegisteredMatcherLoadSeconds { get; init; }

    /// <summary>Ingested photos that are registered (real fingerprints).</summary>
    public required int RegisteredAmongItems { get; init; }

    /// <summary>Of those, the items that matched their own bank entry.</summary>
    public required int RegisteredFound { get; init; }

    /// <summary>Items with any match in the registered run.</summary>
    public required int MatchedItems { get; init; }

    /// <summary>Fewest items finished by any run.</summary>
    public required int Finished { get; init; }
}
