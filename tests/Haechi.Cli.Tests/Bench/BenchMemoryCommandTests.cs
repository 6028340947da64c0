using System.Text.Json;

namespace Haechi.Cli.Tests.Bench;

public sealed class BenchMemoryCommandTests
{
    [Fact]
    public void BenchMemory_SmallStore_LoadsEveryPhotoTwiceAndReportsMemory()
    {
        var (code, output, _) = CliRunner.Run("bench", "memory", "--photos", "500", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(500, root.GetProperty("photos").GetInt32());
        Assert.Equal(500, root.GetProperty("pdq_entries").GetInt32());
        Assert.Equal(500, root.GetProperty("view_entries").GetInt32());

        // The default victim signals: the PDQ and dozens of views per photo, 32 bytes each.
        var hashesPerPhoto = root.GetProperty("hashes_per_photo").GetDouble();
        Assert.InRange(hashesPerPhoto, 10, 60);
        Assert.Equal(root.GetProperty("hashes_stored").GetInt64() * 32, root.GetProperty("raw_hash_bytes").GetInt64());
        foreach (var name in new[] { "insert_seconds", "load_from_rows_seconds", "load_from_snapshot_seconds", "working_set_after_rows", "peak_working_set", "store_bytes", "snapshot_bytes" })
        {
            Assert.True(root.GetProperty(name).GetDouble() > 0, name);
        }

        // Heap deltas are the whole process's: other tests running beside this one move them, so only their presence is checked.
        foreach (var name in new[] { "managed_bytes_per_photo", "managed_bytes_per_photo_from_snapshot", "overhead_factor", "managed_bytes_before", "managed_bytes_after_rows" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(name).ValueKind);
        }

        // First load from the rows, second from the snapshot it wrote; the query found photo 0.
        var pdq = root.GetProperty("indexes").EnumerateArray().Single(i => i.GetProperty("signal_type").GetString() == "pdq");
        Assert.Equal("BuiltNoSnapshot", pdq.GetProperty("source_first_load").GetString());
        Assert.Equal("Snapshot", pdq.GetProperty("source_second_load").GetString());
        Assert.True(root.GetProperty("query_found").GetBoolean());
    }

    [Fact]
    public void BenchMemory_Table_ShowsTheBaselineAndTheOverhead()
    {
        var (code, output, _) = CliRunner.Run("bench", "memory", "--photos", "100");
        Assert.Equal(0, code);
        Assert.Contains("baseline: raw hashes", output, StringComparison.Ordinal);
        Assert.Contains("overhead factor", output, StringComparison.Ordinal);
        Assert.Contains("pdq-view", output, StringComparison.Ordinal);
        Assert.Contains("found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchMemory_TooFewPhotos_Refused()
    {
        var (code, _, error) = CliRunner.Run("bench", "memory", "--photos", "3");
        Assert.Equal(2, code);
        Assert.Contains("--photos", error, StringComparison.Ordinal);
    }
}
