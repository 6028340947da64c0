using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Haechi.Media.Images;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;

namespace Haechi.Cli.Bench;

/// <summary>
/// <c>haechi bench ingest</c>: the pipeline's throughput (enqueue, then workers until idle: read,
/// seal, store, de-duplicate, audit, fingerprint, match, review) on synthetic photos in a scratch
/// data directory, once with a batch of one item per commit (the pipeline before group commit) and
/// once with group commit, beside a baseline in the same process that only reads, hashes (SHA-256)
/// and fingerprints (PDQ) the same files with the same concurrency.
/// </summary>
internal static class BenchIngestCommand
{
    public static Command Create(CliConsole console)
    {
        var items = new Option<int>("--items") { Description = "Synthetic photos ingested.", DefaultValueFactory = _ => 300 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Pipeline concurrency (and baseline threads).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var size = new Option<int>("--width") { Description = "Photo width (height is 3/4 of it).", DefaultValueFactory = _ => 640 };
        var batch = new Option<int>("--batch") { Description = "Items per group commit.", DefaultValueFactory = _ => IngestionOptions.Default.BatchSize };
        var command = new Command("ingest", "Measure the ingestion pipeline (items/s), one item per commit and with group commit, against a fingerprint-only loop on the same photos.") { items, jobs, size, batch };
        command.SetAction(async (result, ct) =>
        {
            var count = Math.Max(1, result.GetValue(items));
            var concurrency = Math.Clamp(result.GetValue(jobs), 1, 64);
            var width = Math.Clamp(result.GetValue(size), 64, 4096);
            var height = width * 3 / 4;
            var batchSize = Math.Clamp(result.GetValue(batch), 1, 1000);
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

                // The same photos through the pipeline twice, in fresh stores: a batch of 1 (every
                // item its own commits, as before group commit) and a batch of --batch items.
                var single = await RunPipelineAsync(Path.Combine(scratch.FullName, "single"), files, concurrency, 1, ct).ConfigureAwait(false);
                var grouped = await RunPipelineAsync(Path.Combine(scratch.FullName, "grouped"), files, concurrency, batchSize, ct).ConfigureAwait(false);
                var c = CultureInfo.InvariantCulture;
                await console.Out.WriteLineAsync(string.Create(c, $"haechi bench ingest: {count} synthetic {width}x{height} JPEG files, concurrency {concurrency}, {Environment.ProcessorCount} cores, SQLite store, empty banks, vision off")).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(c, $"  enqueue (durable insert)               {grouped.Enqueue,9:F1} items/s")).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(c, $"  pipeline, batch 1 (before)             {single.Run,9:F1} items/s   ({single.Finished} items, {single.Run / baseline:P0} of baseline)")).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(c, $"  pipeline, group commit batch {batchSize,-4}      {grouped.Run,9:F1} items/s   ({grouped.Finished} items, {grouped.Run / baseline:P0} of baseline, {grouped.Run / single.Run:F1}x batch 1)")).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(c, $"  baseline (read+SHA-256+PDQ only)       {baseline,9:F1} items/s")).ConfigureAwait(false);
                var finished = Math.Min(single.Finished, grouped.Finished);
                return finished == count ? 0 : 1;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }

    private static async Task<(double Enqueue, double Run, int Finished)> RunPipelineAsync(string data, string[] files, int concurrency, int batchSize, CancellationToken ct)
    {
        var options = IngestionOptions.Default with { Concurrency = concurrency, MaxPending = files.Length + 1, BatchSize = batchSize };
        // A scratch SQLite store, whatever ConnectionStrings__Haechi says.
        await using var services = CliServices.Create(data, new Dictionary<string, string?> { ["ConnectionStrings:Haechi"] = string.Empty });
        var pipeline = await services.OpenPipelineAsync(options, FetchOptions.Default, ct).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < files.Length; i++)
        {
            await pipeline.EnqueueAsync(new IngestRequest("bench", i.ToString(CultureInfo.InvariantCulture), FilePath: files[i]), ct).ConfigureAwait(false);
        }

        var enqueue = files.Length / Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        var finished = await pipeline.RunAsync(untilIdle: true, ct).ConfigureAwait(false);
        return (enqueue, finished / Stopwatch.GetElapsedTime(start).TotalSeconds, finished);
    }
}
