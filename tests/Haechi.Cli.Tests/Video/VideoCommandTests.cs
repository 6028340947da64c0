using System.Text.Json;
using Haechi.Core.Video;

namespace Haechi.Cli.Tests.Video;

public sealed class VideoCommandTests
{
    [Fact]
    public void Hash_VpdqOneVideo_PrintsReferenceFormatOnly()
    {
        var video = VideoCliTestData.Video("pattern-sd-grey-bar");

        var (code, output, error) = CliRunner.Run("hash", "--vpdq", video);

        Assert.Equal(0, code);
        Assert.Empty(error);
        var lines = CliRunner.Lines(output);
        Assert.Equal(206, lines.Length);
        Assert.DoesNotContain(lines, l => l.StartsWith('#'));
        var frames = VpdqFormat.Read(new StringReader(output));
        var expected = VpdqFormat.Read(File.OpenText(VideoCliTestData.Expected("pattern-sd-grey-bar")));
        Assert.Equal(expected.Select(f => f.FrameNumber), frames.Select(f => f.FrameNumber));
        Assert.Equal("0.033", lines[1].Split(',')[3]);
        Assert.All(frames.Zip(expected), p => Assert.True(p.First.Hash.DistanceTo(p.Second.Hash) < 31));
    }

    [Fact]
    public void Hash_VpdqSeveralVideosAtOneFps_BlockPerVideoAfterPathLine()
    {
        var a = VideoCliTestData.Video("pattern-sd-grey-bar");
        var b = VideoCliTestData.Video("doorknob-hd-no-bar");

        var (code, output, _) = CliRunner.Run("hash", "--vpdq", "--fps", "1", a, b);

        Assert.Equal(0, code);
        var lines = CliRunner.Lines(output);
        Assert.Equal("# " + a, lines[0]);
        Assert.Equal(["0", "30", "60", "90", "120", "150", "180"], lines[1..8].Select(l => l.Split(',')[0]));
        Assert.Equal("6.000", lines[7].Split(',')[3]);
        Assert.Equal("# " + b, lines[8]);
        Assert.Equal(8 + 1 + 4, lines.Length);
    }

    [Fact]
    public void Hash_VpdqTextFile_ErrorLineAndExitCode1OthersStillHashed()
    {
        var text = Path.Combine(Path.GetTempPath(), "haechi-not-a-video-" + Guid.NewGuid().ToString("N") + ".mp4");
        File.WriteAllText(text, "not a video\n");
        try
        {
            var video = VideoCliTestData.Video("pattern-sd-grey-bar");

            var (code, output, error) = CliRunner.Run("hash", "--vpdq", "--fps", "5", text, video);

            Assert.Equal(1, code);
            Assert.StartsWith("haechi: " + text + ": Not a", error, StringComparison.Ordinal);
            Assert.Contains("# " + video, output, StringComparison.Ordinal);
            Assert.DoesNotContain("# " + text, output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(text);
        }
    }

    [Fact]
    public void Hash_VpdqBadFps_ParseError()
    {
        var (code, _, error) = CliRunner.Run("hash", "--vpdq", "--fps", "0", "x.mp4");

        Assert.Equal(1, code);
        Assert.Contains("--fps", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MatchVideo_ReferenceHashFilesOfChairCuts_MatchWithUpstreamPercentages()
    {
        var (code, output, _) = CliRunner.Run("match-video", VideoCliTestData.Expected("chair-19-sd-bar"), VideoCliTestData.Expected("chair-22-sd-grey-bar"));

        Assert.Equal(0, code);
        Assert.Contains("query match:    100.0%", output, StringComparison.Ordinal);
        Assert.Contains("compared match: 85.7%", output, StringComparison.Ordinal);
        Assert.Contains("verdict:        match", output, StringComparison.Ordinal);
    }

    [Fact]
    public void MatchVideo_UnrelatedVideosJson_NoMatchExitCode2()
    {
        var (code, output, _) = CliRunner.Run("match-video", "--json", "--fps", "5", VideoCliTestData.Video("pattern-sd-grey-bar"), VideoCliTestData.Video("doorknob-hd-no-bar"));

        Assert.Equal(2, code);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("match").GetBoolean());
        Assert.Equal(0.0, json.RootElement.GetProperty("query_match_percent").GetDouble());
    }

    [Fact]
    public void MatchVideo_MissingFile_ErrorExitCode1()
    {
        var (code, _, error) = CliRunner.Run("match-video", "/nonexistent/a.mp4", VideoCliTestData.Video("pattern-sd-grey-bar"));

        Assert.Equal(1, code);
        Assert.Contains("No such file", error, StringComparison.Ordinal);
    }
}
