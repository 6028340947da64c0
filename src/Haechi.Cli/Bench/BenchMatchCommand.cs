using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Haechi.Core.Matching;

namespace Haechi.Cli.Bench;

/// <summary>
/// <c>haechi bench match</c>: the Hamming index against the brute-force scan on the same synthetic
/// bank in the same process: build time, memory, throughput, latency, recall and agreement.
/// </summary>
internal static class BenchMatchCommand
{
    private const ulong Seed = 0x4861656368694D31; // "HaechiM1"

    public static Command Create(CliConsole console)
    {
        var size = new Option<int>("--size") { Description = "Random 256-bit codes in the bank.", DefaultValueFactory = _ => 10_000_000 };
        var queries = new Option<int>("--queries") { Description = "Queries, each with a planted near-duplicate 8..30 bits away.", DefaultValueFactory = _ => 10_000 };
        var radius = new Option<int>("--radius") { Description = "Search radius (inclusive).", DefaultValueFactory = _ => HammingIndex.DefaultRadius };
        var bruteSeconds = new Option<double>("--brute-force-seconds") { Description = "Time budget for the brute-force baseline (it answers a prefix of the queries).", DefaultValueFactory = _ => 15 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures." };
        var command = new Command("match", "Measure exact Hamming search: the multi-index against a brute-force popcount scan, same data, same process.")
        {
            size, queries, radius, bruteSeconds, json,
        };
        command.SetAction(result =>
        {
            var n = result.GetValue(size);
            var q = Math.Min(result.GetValue(queries), n);
            var r = result.GetValue(radius);
            if (n < 1 || q < 1 || r is < 0 or > 256)
            {
                console.Error.WriteLine("haechi: bench match: --size and --queries must be positive and --radius 0..256.");
                return 2;
            }

            var figures = Measure(console, n, q, r, result.GetValue(bruteSeconds));
            if (result.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(figures, BenchJson.Options));
            }
            else
            {
                Print(console.Out, figures);
            }

            return figures.Agreement == 1.0 ? 0 : 1;
        });
        return command;
    }

    private static BenchMatchFigures Measure(CliConsole console, int size, int queryCount, int radius, double bruteSeconds)
    {
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generating {size:N0} codes and {queryCount:N0} queries (seed fixed)..."));
        var data = SyntheticHashSet.Generate(size, queryCount, Seed);
        var ids = data.CreateIds();

        var start = Stopwatch.GetTimestamp();
        var index = HammingIndex.Build(data.Codes, ids);
        var buildSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var scan = new BruteForceHashScan(data.Codes, ids);

        // Snapshot round trip through a temporary file.
        var snapshotPath = Path.Combine(Path.GetTempPath(), $"haechi-bench-{Environment.ProcessId}.index");
        double writeSeconds, loadSeconds;
        try
        {
            start = Stopwatch.GetTimestamp();
            using (var stream = File.Create(snapshotPath))
            {
                index.WriteSnapshot(stream, new IndexCheckpoint(size, size));
            }

            writeSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            using (var stream = File.OpenRead(snapshotPath))
            {
                _ = HammingIndex.ReadSnapshot(stream, out _);
            }

            loadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            File.Delete(snapshotPath);
        }

        // One thread, with per-query latency and recall of the planted entries.
        var latencies = new double[queryCount];
        var results = new List<HammingMatch>();
        var indexResults = new List<HammingMatch>[queryCount];
        var found = 0;
        var total = Stopwatch.GetTimestamp();
        for (var i = 0; i < queryCount; i++)
        {
            results.Clear();
            var t = Stopwatch.GetTimestamp();
            index.Search(data.Queries[i], radius, results);
            latencies[i] = Stopwatch.GetElapsedTime(t).TotalMicroseconds;
            indexResults[i] = [.. results];
            if (data.PlantedDistances[i] <= radius && results.Exists(m => m.Id == data.PlantedIndices[i]))
            {
                found++;
            }
        }

        var qps1 = queryCount / Stopwatch.GetElapsedTime(total).TotalSeconds;
        var plantedInRange = data.PlantedDistances.Count(d => d <= radius);

        // Two threads, shards of the query list.
        total = Stopwatch.GetTimestamp();
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, shard =>
        {
            var local = new List<HammingMatch>();
            for (var i = shard; i < queryCount; i += 2)
            {
                local.Clear();
                index.Search(data.Queries[i], radius, local);
            }
        });
        var qps2 = queryCount / Stopwatch.GetElapsedTime(total).TotalSeconds;

        // Brute force on a prefix of the queries within the time budget; agreement on those.
        var bruteAnswered = 0;
        var agreeing = 0;
        total = Stopwatch.GetTimestamp();
        while (bruteAnswered < queryCount && (bruteAnswered < 20 || Stopwatch.GetElapsedTime(total).TotalSeconds < bruteSeconds))
        {
            results.Clear();
            scan.Search(data.Queries[bruteAnswered], radius, results);
            if (SameIds(results, indexResults[bruteAnswered]))
            {
                agreeing++;
            }

            bruteAnswered++;
        }

        var bruteQps = bruteAnswered / Stopwatch.GetElapsedTime(total).TotalSeconds;
        Array.Sort(latencies);
        return new BenchMatchFigures
        {
            Size = size,
            Queries = queryCount,
            Radius = radius,
            BuildSeconds = buildSeconds,
            BytesPerHash = (double)index.MemoryBytes / size,
            Tables = index.TableCount,
            BitsPerTable = index.BitsPerTable,
            Qps1Thread = qps1,
            Qps2Threads = qps2,
            P50Us = latencies[latencies.Length / 2],
            P99Us = latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * 0.99))],
            Recall = plantedInRange == 0 ? 1.0 : (double)found / plantedInRange,
            Agreement = (double)agreeing / bruteAnswered,
            AgreementQueries = bruteAnswered,
            BruteForceQps1Thread = bruteQps,
            SpeedupOverBruteForce = qps1 / bruteQps,
            BruteForceBytesPerHash = (double)scan.MemoryBytes / size,
            SnapshotWriteSeconds = writeSeconds,
            SnapshotLoadSeconds = loadSeconds,
        };
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
        output.WriteLine(string.Create(c, $"  latency p50 / p99 (us)  {f.P50Us,8:F0} / {f.P99Us:F0}"));
        output.WriteLine(string.Create(c, $"  bytes per hash          {f.BytesPerHash,12:F1}            {f.BruteForceBytesPerHash,12:F1}"));
        output.WriteLine(string.Create(c, $"  build seconds           {f.BuildSeconds,12:F2}   ({f.Tables} tables x {f.BitsPerTable} bits)"));
        output.WriteLine(string.Create(c, $"  snapshot write / load s {f.SnapshotWriteSeconds,8:F2} / {f.SnapshotLoadSeconds:F2}"));
        output.WriteLine(string.Create(c, $"  recall of planted       {f.Recall,12:P1}"));
        output.WriteLine(string.Create(c, $"  agreement with brute force on {f.AgreementQueries:N0} queries: {f.Agreement:P1}"));
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
}
