using System.Text.Json;

namespace Haechi.Cli.Tests.Bench;

public sealed class BenchIngestCommandTests
{
    [Fact]
    public void BenchIngest_WithRegisteredPhotos_FindsEveryRegisteredItemAndReportsEachRun()
    {
        var (code, output, _) = CliRunner.Run("bench", "ingest", "--items", "20", "--registered", "300", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        foreach (var name in new[] { "enqueue_per_second", "batch1_per_second", "group_commit_per_second", "baseline_per_second", "registered_per_second", "registered_matcher_load_seconds" })
        {
            Assert.True(root.GetProperty(name).GetDouble() > 0, name);
        }

        Assert.Equal(20, root.GetProperty("finished").GetInt32());
        Assert.Equal(300, root.GetProperty("registered").GetInt32());

        // Two of the twenty items are registered photos: both found, through their own entries, and nothing else matched.
        Assert.Equal(2, root.GetProperty("registered_among_items").GetInt32());
        Assert.Equal(2, root.GetProperty("registered_found").GetInt32());
        Assert.Equal(2, root.GetProperty("matched_items").GetInt32());
    }

    [Fact]
    public void BenchIngest_Table_KeepsTheBaselineLinesAndAddsTheRegisteredRun()
    {
        var (code, output, _) = CliRunner.Run("bench", "ingest", "--items", "10", "--registered", "50");
        Assert.Equal(0, code);
        Assert.Contains("pipeline, batch 1 (before)", output, StringComparison.Ordinal);
        Assert.Contains("empty banks", output, StringComparison.Ordinal);
        Assert.Contains("50 registered photos", output, StringComparison.Ordinal);
        Assert.Contains("registered photos among the items found: 1 of 1", output, StringComparison.Ordinal);
        Assert.Contains("baseline (read+SHA-256+PDQ only)", output, StringComparison.Ordinal);
    }
}
