using System.Text.Json;
using Haechi.Cli.Tests.Video;
using Haechi.Media.Images;

namespace Haechi.Cli.Tests.Banks;

public sealed class VideoBankTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-vbank-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", Path.Combine(_dir, "data"), .. args]);

    [Fact]
    public void MatchVideo_ShorterCutAndLetterboxedCopy_FoundInVpdqBank_UnrelatedNot()
    {
        var longer = VideoCliTestData.Video("chair-22-sd-grey-bar");
        var pattern = VideoCliTestData.Video("pattern-hd-no-bar");
        Assert.Equal(0, Haechi("bank", "create", "videos", "--signal-type", "vpdq").ExitCode);
        var add = Haechi("bank", "add", "videos", "--id", "case-3", longer, pattern);
        Assert.Equal(0, add.ExitCode);
        Assert.Equal(2, CliRunner.Lines(add.Out).Length);

        var cut = VideoCliTestData.Video("chair-19-sd-bar");
        var barred = VideoCliTestData.Video("pattern-sd-grey-bar");
        var unrelated = VideoCliTestData.Video("doorknob-hd-no-bar");
        var match = Haechi("match", cut, barred, unrelated);
        Assert.Equal(0, match.ExitCode);
        var lines = CliRunner.Lines(match.Out);
        Assert.Equal(2, lines.Length);
        var first = lines[0].Split(',');
        Assert.Equal((cut, "videos", "1"), (first[0], first[1], first[2]));
        Assert.True(double.Parse(first[3], System.Globalization.CultureInfo.InvariantCulture) >= 80, lines[0]);
        Assert.StartsWith($"{barred},videos,2,", lines[1], StringComparison.Ordinal);

        using var json = JsonDocument.Parse(CliRunner.Lines(Haechi("match", "--json", "--fps", "5", cut).Out)[0]);
        Assert.Equal("case-3", json.RootElement.GetProperty("matches")[0].GetProperty("external_id").GetString());
    }

    [Fact]
    public void RemoveVideo_ThenMatch_NoLongerFound()
    {
        var longer = VideoCliTestData.Video("chair-22-sd-grey-bar");
        Haechi("bank", "create", "videos", "--signal-type", "vpdq");
        Haechi("bank", "add", "videos", "--id", "case-4", longer);
        Assert.Single(CliRunner.Lines(Haechi("match", "--fps", "5", VideoCliTestData.Video("chair-19-sd-bar")).Out));
        Assert.Equal(0, Haechi("bank", "remove", "videos", "--external-id", "case-4").ExitCode);
        Assert.Empty(CliRunner.Lines(Haechi("match", "--fps", "5", VideoCliTestData.Video("chair-19-sd-bar")).Out));
    }

    [Fact]
    public void AddImageToVideoBank_ClearError()
    {
        var image = Path.Combine(_dir, "a.jpg");
        File.WriteAllBytes(image, SyntheticImages.Jpeg(200, 200, 1));
        Haechi("bank", "create", "videos", "--signal-type", "vpdq");
        var result = Haechi("bank", "add", "videos", image);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"haechi: {image}:", result.Error, StringComparison.Ordinal);
    }
}
