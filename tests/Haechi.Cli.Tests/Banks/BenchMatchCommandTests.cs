using System.Text.Json;

namespace Haechi.Cli.Tests.Banks;

public sealed class BenchMatchCommandTests
{
    [Fact]
    public void BenchMatch_SmallBank_AgreesWithBruteForceAndReportsFigures()
    {
        var (code, output, _) = CliRunner.Run("bench", "match", "--size", "50000", "--queries", "300", "--json", "--brute-force-seconds", "1");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        foreach (var name in new[] { "size", "queries", "radius", "build_seconds", "bytes_per_hash", "qps_1_thread", "qps_2_threads", "p50_us", "p99_us", "recall", "agreement", "brute_force_qps_1_thread" })
        {
            Assert.True(root.TryGetProperty(name, out _), name);
        }

        Assert.Equal(1.0, root.GetProperty("agreement").GetDouble());
        Assert.Equal(1.0, root.GetProperty("recall").GetDouble());
        Assert.Equal(50000, root.GetProperty("size").GetInt32());
    }
}
