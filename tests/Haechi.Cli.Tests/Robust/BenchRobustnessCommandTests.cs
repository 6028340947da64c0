using System.Text.Json;

namespace Haechi.Cli.Tests.Robust;

public sealed class BenchRobustnessCommandTests
{
    [Fact]
    public void BenchRobustness_GeneratedImages_ReportsEveryClassAndConfiguration()
    {
        var (code, output, _) = CliRunner.Run("bench", "robustness", "--count", "4", "--bank-size", "100", "--json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(2, root.GetProperty("registered_images").GetInt32());
        Assert.Equal(18, root.GetProperty("edit_classes").GetArrayLength());
        var configurations = root.GetProperty("configurations").EnumerateArray().ToList();
        Assert.Equal(["pdq", "pdq+dihedral", "+canonical", "+crops", "+partial", "pdq+local", "all"], configurations.Select(c => c.GetProperty("name").GetString()));
        var all = configurations[^1];
        Assert.Equal(0, all.GetProperty("false_matches").GetInt32());
        Assert.Equal(1.0, all.GetProperty("recall_per_edit").GetProperty("mirror").GetDouble());
        Assert.Equal(1.0, all.GetProperty("recall_per_edit").GetProperty("border").GetDouble());
        Assert.True(all.GetProperty("recall").GetDouble() > configurations[0].GetProperty("recall").GetDouble());
        Assert.InRange(all.GetProperty("bytes_per_registered_image").GetDouble(), 33, 8192);

        // The local signal alone finds the crops that plain PDQ cannot.
        var local = configurations[^2];
        Assert.Equal(0, local.GetProperty("false_matches").GetInt32());
        Assert.Equal(0.0, configurations[0].GetProperty("recall_per_edit").GetProperty("crop-20").GetDouble());
        Assert.Equal(1.0, local.GetProperty("recall_per_edit").GetProperty("crop-20").GetDouble());
        Assert.True(root.GetProperty("local_search_microseconds_per_query").GetDouble() > 0);
    }

    [Fact]
    public void BenchRobustness_DirectoryWithOneImage_ExitsWithUsageError()
    {
        var dir = Directory.CreateTempSubdirectory("haechi-robust-");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "a.png"), Media.Images.SyntheticImages.Png(64, 48, 1));

            var (code, _, error) = CliRunner.Run("bench", "robustness", dir.FullName);

            Assert.Equal(2, code);
            Assert.Contains("at least two", error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
