using System.Text.Json;

namespace Haechi.Cli.Tests.Bench;

public sealed class BenchMatchCommandTests
{
    [Fact]
    public void BenchMatch_SmallBank_AgreesWithBruteForceAndReportsFigures()
    {
        var (code, output, _) = CliRunner.Run("bench", "match", "--size", "50000", "--queries", "300", "--json", "--brute-force-seconds", "1");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        foreach (var name in new[] { "size", "queries", "radius", "build_seconds", "bytes_per_hash", "bytes_per_hash_measured", "qps_1_thread", "qps_2_threads", "mean_us", "p50_us", "p99_us", "recall", "agreement", "brute_force_qps_1_thread" })
        {
            Assert.True(root.TryGetProperty(name, out _), name);
        }

        Assert.Equal(1.0, root.GetProperty("agreement").GetDouble());
        Assert.Equal(1.0, root.GetProperty("recall").GetDouble());
        Assert.Equal(50000, root.GetProperty("size").GetInt32());
    }

    [Fact]
    public void BenchMatch_Host_SameAnswersAsTheIndexWithFigures()
    {
        var (code, output, _) = CliRunner.Run("bench", "match", "--size", "20000", "--queries", "200", "--json", "--brute-force-seconds", "0.2");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        foreach (var name in new[] { "host_qps_1_thread", "host_share_of_index", "host_mean_us", "host_p50_us", "host_p99_us", "host_load_seconds" })
        {
            Assert.True(root.GetProperty(name).GetDouble() > 0, name);
        }

        // Heap deltas are the whole process's (other tests run beside this one): present, not checked.
        Assert.Equal(JsonValueKind.Number, root.GetProperty("host_bytes_per_hash_measured").ValueKind);

        // The host loaded the index's own snapshot and answered every query as the index did.
        Assert.Equal("Snapshot", root.GetProperty("host_source").GetString());
        Assert.Equal(1.0, root.GetProperty("host_agreement").GetDouble());
    }

    [Fact]
    public void BenchMatch_Table_NamesTheHostAndHowMemoryWasMeasured()
    {
        var (code, output, _) = CliRunner.Run("bench", "match", "--size", "5000", "--queries", "50", "--brute-force-seconds", "0.1");
        Assert.Equal(0, code);
        Assert.Contains("HammingIndexHost", output, StringComparison.Ordinal);
        Assert.Contains("GC.GetTotalMemory", output, StringComparison.Ordinal);
        Assert.Contains("of the index's", output, StringComparison.Ordinal);
        Assert.Contains("same answers as the index on 50 queries: 100.0 %", output, StringComparison.Ordinal);
    }
}
