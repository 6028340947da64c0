using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Haechi.Core.Matching;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Bench;

/// <summary>
/// <c>haechi bench match</c>: the Hamming index against the brute-force scan on the same synthetic
/// bank in the same process: build time, memory, throughput, latency, recall and agreement; and the
/// same queries through the production path, the matcher's PDQ <see cref="HammingIndexHost"/>
/// loaded through its public load API from the index's snapshot in a scratch store.
/// </summary>
internal static class BenchMatchCommand
{
    private const ulong Seed = 0x4861656368694D31; // "HaechiM1"

    // Queries alternate between the index and the host in blocks of this many, so both see the same machine load.
    private const int Block = 500;

    public static Command Create(CliConsole console)
    {
        var size = new Option<int>("--size") { Description = "Random 256-bit codes in the bank.", DefaultValueFactory = _ => 10_000_000 };
        var queries = new Option<int>("--queries") { Description = "Queries, each with a planted near-duplicate 8..30 bits away.", DefaultValueFactory = _ => 10_000 };
        var radius = new Option<int>("--radius") { Description = "Search radius (inclusive).", DefaultValueFactory = _ => HammingIndex.DefaultRadius };
        var bruteSeconds = new Option<double>("--brute-force-seconds") { Description = "Time budget for the brute-force baseline (it answers a prefix of the queries).", DefaultValueFactory = _ => 15 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures." };
        var command = new Command(
            "match",
            "Measure exact Hamming search: the multi-index against a brute-force popcount scan, then the same queries through the matcher's PDQ host, same data, same process. "
            + "Measured 2026-12-07, 2 shared cores, --size 10000000: index 1,106 q/s, host 1,116 q/s (100.9 %), 89.4 bytes per hash measured for both; brute force 31.7 q/s.")
        {
            size, queries, radius, bruteSeconds, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var n = result.GetValue(size);
            var q = Math.Min(result.GetValue(queries), n);
            var r = result.GetValue(radius);
            if (n < 1 || q < 1 || r is < 0 or > 256)
            {
                await console.Error.WriteLineAsync("haechi: bench match: --size and --queries must be positive and --radius 0..256.").ConfigureAwait(false);
                return 2;
            }

            var figures = await MeasureAsync(console, n, q, r, result.GetValue(bruteSeconds), ct).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                await console.Out.WriteLineAsync(JsonSerializer.Serialize(figures, BenchJson.Options)).ConfigureAwait(false);
            }
            else
            {
                Print(console.Out, figures);
            }

            return figures.Agreement == 1.0 && figures.HostAgreement == 1.0 ? 0 : 1;
        });
        return command;
    }

    private static async Task<BenchMatchFigures> MeasureAsync(CliConsole console, int size, int queryCount, int radius, double bruteSeconds, CancellationToken cancellationToken)
    {
        await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"generating {size:N0} codes and {queryCount:N0} queries (seed fixed)...")).ConfigureAwait(false);
        var data = SyntheticHashSet.Generate(size, queryCount, Seed);
        var ids = data.CreateIds();

        // Measured: live managed bytes after a full collection, before and after the build.
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var start = Stopwatch.GetTimestamp();
        var index = HammingIndex.Build(data.Codes, ids);
        var buildSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var indexMeasuredBytes = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        var scan = new BruteForceHashScan(data.Codes, ids);

        // The snapshot goes where the matcher looks for it in a scratch store (checkpoint: change 0 of
        // the empty store), so the host loads exactly these codes and ids through its own load path.
        var scratch = Directory.CreateTempSubdirectory("haechi-bench-match-");
        try
        {
            var loader = new SignalIndexLoader(scratch.FullName, TimeProvider.System);
            var snapshotPath = loader.SnapshotPath(SignalType.Pdq);
            Directory.CreateDirectory(Path.GetDirectoryName(snapshotPath)!);
            start = Stopwatch.GetTimestamp();
            using (var stream = File.Create(snapshotPath))
            {
                index.WriteSnapshot(stream, new IndexCheckpoint(0, size));
            }

            var writeSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            using (var stream = File.OpenRead(snapshotPath))
            {
                _ = HammingIndex.ReadSnapshot(stream, out _);
            }

            var loadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            await using var db = await HaechiDatabase.OpenAsync(new DatabaseLocation(scratch.FullName), cancellationToken).ConfigureAwait(false);
            var reader = new BankSignalReader(db);
            _ = await reader.GetLastChangeIdAsync(cancellationToken).ConfigureAwait(false);
            heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            var host = new HammingIndexHost(SignalType.Pdq, loader);
            start = Stopwatch.GetTimestamp();
            await host.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
            var hostLoadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var hostMeasuredBytes = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
            var hostSource = host.Status.Source;

            // One thread, the index and the host in alternating blocks of the same queries: per-query
            // latency, recall of the planted entries, the host's answers against the index's.
            var latencies = new double[queryCount];
            var hostLatencies = new double[queryCount];
            var results = new List<HammingMatch>();
            var indexResults = new List<HammingMatch>[queryCount];
            var found = 0;
            var hostAgreeing = 0;
            long indexTicks = 0, hostTicks = 0;
            for (var block = 0; block < queryCount; block += Block)
            {
                var end = Math.Min(queryCount, block + Block);
                var t0 = Stopwatch.GetTimestamp();
                for (var i = block; i < end; i++)
                {
                    results.Clear();
                    var t = Stopwatch.GetTimestamp();
                    index.Search(data.Queries[i], radius, results);
                    latencies[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
                    indexResults[i] = [.. results];
                }

                var t1 = Stopwatch.GetTimestamp();
                for (var i = block; i < end; i++)
                {
                    results.Clear();
                    var t = Stopwatch.GetTimestamp();
                    host.Search(data.Queries[i], radius, results);
                    hostLatencies[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
                    hostAgreeing += SameIds(results, indexResults[i]) ? 1 : 0;
                }

                indexTicks += t1 - t0;
                hostTicks += Stopwatch.GetTimestamp() - t1;
            }

            for (var i = 0; i < queryCount; i++)
            {
                if (data.PlantedDistances[i] <= radius && indexResults[i].Exists(m => m.Id == data.PlantedIndices[i]))
                {
                    found++;
                }
            }

            var qps1 = queryCount / Seconds(indexTicks);
            var hostQps = queryCount / Seconds(hostTicks);
            var plantedInRange = data.PlantedDistances.Count(d => d <= radius);

            // Two threads, shards of the query list.
            start = Stopwatch.GetTimestamp();
            Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, shard =>
            {
                var local = new List<HammingMatch>();
                for (var i = shard; i < queryCount; i += 2)
                {
                    local.Clear();
                    index.Search(data.Queries[i], radius, local);
                }
            });
            var qps2 = queryCount / Stopwatch.GetElapsedTime(start).TotalSeconds;

            // Brute force on a prefix of the queries within the time budget; agreement on those.
            var bruteAnswered = 0;
            var agreeing = 0;
            start = Stopwatch.GetTimestamp();
            while (bruteAnswered < queryCount && (bruteAnswered < 20 || Stopwatch.GetElapsedTime(start).TotalSeconds < bruteSeconds))
            {
                results.Clear();
                scan.Search(data.Queries[bruteAnswered], radius, results);
                if (SameIds(results, indexResults[bruteAnswered]))
                {
                    agreeing++;
                }

                bruteAnswered++;
            }

            var bruteQps = bruteAnswered / Stopwatch.GetElapsedTime(start).TotalSeconds;
            GC.KeepAlive(index);
            GC.KeepAlive(host);
            return new BenchMatchFigures
            {
                Size = size,
                Queries = queryCount,
                Radius = radius,
                BuildSeconds = buildSeconds,
                BytesPerHash = (double)index.MemoryBytes / size,
                BytesPerHashMeasured = (double)indexMeasuredBytes / size,
                Tables = index.TableCount,
                BitsPerTable = index.BitsPerTable,
                Qps1Thread = qps1,
                Qps2Threads = qps2,
                MeanUs = latencies.Average(),
                P50Us = Percentile(latencies, 0.5),
                P99Us = Percentile(latencies, 0.99),
                Recall = plantedInRange == 0 ? 1.0 : (double)found / plantedInRange,
                Agreement = (double)agreeing / bruteAnswered,
                AgreementQueries = bruteAnswered,
                BruteForceQps1Thread = bruteQps,
                SpeedupOverBruteForce = qps1 / bruteQps,
                BruteForceBytesPerHash = (double)scan.MemoryBytes / size,
                SnapshotWriteSeconds = writeSeconds,
                SnapshotLoadSeconds = loadSeconds,
                HostQps1Thread = hostQps,
                HostShareOfIndex = hostQps / qps1,
                HostMeanUs = hostLatencies.Average(),
                HostP50Us = Percentile(hostLatencies, 0.5),
                HostP99Us = Percentile(hostLatencies, 0.99),
                HostBytesPerHashMeasured = (double)hostMeasuredBytes / size,
                HostLoadSeconds = hostLoadSeconds,
                HostSource = hostSource,
                HostAgreement = (double)hostAgreeing / queryCount,
            };
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static double Percentile(double[] values, double fraction)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * fraction))];
    }

    private static bool SameIds(List<HammingMatch> a, List<HammingMatch> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        var left = a.Select(m => (m.Id, m.Distance)).Order().ToList();
        var right = b.Select(m => (m.Id, m.Distance)).Order().ToList();
        return left.SequenceEqual(right);
    }

    private static void Print(TextWriter output, BenchMatchFigures f)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench match: {f.Size:N0} random codes, {f.Queries:N0} queries with planted near-duplicates (8-30 bits), radius {f.Radius}"));
        output.WriteLine();
        output.WriteLine("                          index (multi-index)    brute force (popcount scan)");
        output.WriteLine(string.Create(c, $"  queries/s, 1 thread     {f.Qps1Thread,12:F0}            {f.BruteForceQps1Thread,12:F1}   ({f.SpeedupOverBruteForce:F1}x)"));
        output.WriteLine(string.Create(c, $"  queries/s, 2 threads    {f.Qps2Threads,12:F0}"));
        output.WriteLine(string.Create(c, $"  latency mean/p50/p99 us {f.MeanUs,8:F0} / {f.P50Us:F0} / {f.P99Us:F0}"));
        output.WriteLine(string.Create(c, $"  bytes per hash, arrays  {f.BytesPerHash,12:F1}            {f.BruteForceBytesPerHash,12:F1}   (computed from the array lengths)"));
        output.WriteLine(string.Create(c, $"  bytes per hash, heap    {f.BytesPerHashMeasured,12:F1}                           (measured: GC.GetTotalMemory(true) before and after the build)"));
        output.WriteLine(string.Create(c, $"  build seconds           {f.BuildSeconds,12:F2}   ({f.Tables} tables x {f.BitsPerTable} bits)"));
        output.WriteLine(string.Create(c, $"  snapshot write / load s {f.SnapshotWriteSeconds,8:F2} / {f.SnapshotLoadSeconds:F2}"));
        output.WriteLine(string.Create(c, $"  recall of planted       {f.Recall,12:P1}"));
        output.WriteLine(string.Create(c, $"  agreement with brute force on {f.AgreementQueries:N0} queries: {f.Agreement:P1}"));
        output.WriteLine();
        output.WriteLine("  production path: the matcher's PDQ index host (HammingIndexHost), loaded from the index's snapshot, same queries, blocks alternating with the index");
        output.WriteLine(string.Create(c, $"  queries/s, 1 thread     {f.HostQps1Thread,12:F0}   ({f.HostShareOfIndex:P1} of the index's {f.Qps1Thread:F0})"));
        output.WriteLine(string.Create(c, $"  latency mean/p50/p99 us {f.HostMeanUs,8:F0} / {f.HostP50Us:F0} / {f.HostP99Us:F0}"));
        output.WriteLine(string.Create(c, $"  bytes per hash, heap    {f.HostBytesPerHashMeasured,12:F1}   (measured as above, around the host's load)"));
        output.WriteLine(string.Create(c, $"  load seconds            {f.HostLoadSeconds,12:F2}   ({f.HostSource})"));
        output.WriteLine(string.Create(c, $"  same answers as the index on {f.Queries:N0} queries: {f.HostAgreement:P1}"));
    }
}

/// <summary>Figures of one <c>haechi bench match</c> run.</summary>
internal sealed record BenchMatchFigures
{
    public required int Size { get; init; }

    public required int Queries { get; init; }

    public required int Radius { get; init; }

    public required double BuildSeconds { get; init; }

    public required double BytesPerHash { get; init; }

    public required int Tables { get; init; }

    public required int BitsPerTable { get; init; }

    [JsonPropertyName("qps_1_thread")]
    public required double Qps1Thread { get; init; }

    [JsonPropertyName("qps_2_threads")]
    public required double Qps2Threads { get; init; }

    [JsonPropertyName("mean_us")]
    public required double MeanUs { get; init; }

    [JsonPropertyName("p50_us")]
    public required double P50Us { get; init; }

    [JsonPropertyName("p99_us")]
    public required double P99Us { get; init; }

    public required double Recall { get; init; }

    public required double Agreement { get; init; }

    public required int AgreementQueries { get; init; }

    [JsonPropertyName("brute_force_qps_1_thread")]
    public required double BruteForceQps1Thread { get; init; }

    public required double SpeedupOverBruteForce { get; init; }

    public required double BruteForceBytesPerHash { get; init; }

    public required double SnapshotWriteSeconds { get; init; }

    public required double SnapshotLoadSeconds { get; init; }

    /// <summary>Live managed bytes the build added, per hash (GC.GetTotalMemory after full collections).</summary>
    public required double BytesPerHashMeasured { get; init; }

    [JsonPropertyName("host_qps_1_thread")]
    public required double HostQps1Thread { get; init; }

    /// <summary>The host's queries/s over the index's, on the same queries.</summary>
    public required double HostShareOfIndex { get; init; }

    [JsonPropertyName("host_mean_us")]
    public required double HostMeanUs { get; init; }

    [JsonPropertyName("host_p50_us")]
    public required double HostP50Us { get; init; }

    [JsonPropertyName("host_p99_us")]
    public required double HostP99Us { get; init; }

    /// <summary>Live managed bytes the host's load added, per hash.</summary>
    public required double HostBytesPerHashMeasured { get; init; }

    public required double HostLoadSeconds { get; init; }

    public required string HostSource { get; init; }

    /// <summary>Share of the queries where the host returned exactly the index's matches.</summary>
    public required double HostAgreement { get; init; }
}
