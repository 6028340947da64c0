using System.Text.Json;
using Haechi.Media.Images;
using Haechi.Media.Robust;

namespace Haechi.Cli.Tests.Robust;

public sealed class RobustBankTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-robust-bank-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", Path.Combine(_dir, "data"), .. args]);

    private string WriteEdit(string name, byte[] rgb, int width, int height, ImageEdit edit)
    {
        var bytes = ImageEdits.Apply(rgb, width, height, edit, seed: 3);
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void BankCreate_NoSignalsFlag_MatchesAnEightPercentCropACaptionBarAndAMirror()
    {
        const int Width = 900, Height = 700;
        var rgb = SyntheticImages.DrawRgb(Width, Height, 73);
        var original = Path.Combine(_dir, "original.jpg");
        File.WriteAllBytes(original, SyntheticImages.EncodeJpeg(rgb, Width, Height));

        // 8 % off every side, drawn here (the edit set has 5 % and 10 %).
        int dx = Width * 8 / 100, dy = Height * 8 / 100, w = Width - (2 * dx), h = Height - (2 * dy);
        var cropped = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        {
            Array.Copy(rgb, (((y + dy) * Width) + dx) * 3, cropped, y * w * 3, w * 3);
        }

        var crop8 = Path.Combine(_dir, "crop8.jpg");
        File.WriteAllBytes(crop8, SyntheticImages.EncodeJpeg(cropped, w, h));
        var caption = WriteEdit("caption.jpg", rgb, Width, Height, ImageEdit.Caption);
        var mirror = WriteEdit("mirror.jpg", rgb, Width, Height, ImageEdit.Mirror);
        var unrelated = Path.Combine(_dir, "other.jpg");
        File.WriteAllBytes(unrelated, SyntheticImages.Jpeg(Width, Height, 74));

        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-1", original).ExitCode);
        var lines = CliRunner.Lines(Haechi("match", crop8, caption, mirror, unrelated).Out);
        foreach (var copy in new[] { crop8, caption, mirror })
        {
            Assert.True(lines.Any(l => l.StartsWith($"{copy},victims,", StringComparison.Ordinal)), copy + " not matched:\n" + string.Join('\n', lines));
        }

        Assert.DoesNotContain(lines, l => l.StartsWith(unrelated, StringComparison.Ordinal));
    }

    [Fact]
    public void Match_EditedCopies_FoundThroughTheBanksSignals_AndReportedBySignal()
    {
        const int Width = 900, Height = 700;
        var rgb = SyntheticImages.DrawRgb(Width, Height, 71);
        var original = Path.Combine(_dir, "original.jpg");
        File.WriteAllBytes(original, SyntheticImages.EncodeJpeg(rgb, Width, Height));
        var mirror = WriteEdit("mirror.jpg", rgb, Width, Height, ImageEdit.Mirror);
        var letterbox = WriteEdit("letterbox.jpg", rgb, Width, Height, ImageEdit.Letterbox);
        var border = WriteEdit("border.jpg", rgb, Width, Height, ImageEdit.Border);
        var crop = WriteEdit("crop10.jpg", rgb, Width, Height, ImageEdit.Crop10);
        var unrelated = Path.Combine(_dir, "other.jpg");
        File.WriteAllBytes(unrelated, SyntheticImages.Jpeg(Width, Height, 72));

        // Without the query's dihedral hashes a plain PDQ bank finds none of the edits; the default bank
        // (the views a victim's browser sends, plus rotations) finds mirror, letterbox, border and crop.
        Assert.Equal(0, Haechi("bank", "create", "plain", "--signals", "pdq").ExitCode);
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        Assert.Equal(0, Haechi("bank", "create", "full", "--signals", "all").ExitCode);
        foreach (var bank in new[] { "plain", "victims", "full" })
        {
            Assert.Equal(0, Haechi("bank", "add", bank, "--id", "case-1", original).ExitCode);
        }

        Assert.Contains("pdq dihedral canonical crops", Haechi("bank", "list").Out, StringComparison.Ordinal);
        var lines = CliRunner.Lines(Haechi("match", "--dihedral", "false", mirror, letterbox, border, crop, unrelated).Out);
        bool Found(string path, string bank) => lines.Any(l => l.StartsWith($"{path},{bank},", StringComparison.Ordinal));

        Assert.False(Found(mirror, "plain") || Found(letterbox, "plain") || Found(border, "plain") || Found(crop, "plain"), string.Join('\n', lines));
        Assert.True(Found(mirror, "victims") && Found(letterbox, "victims") && Found(border, "victims") && Found(crop, "victims"), string.Join('\n', lines));
        Assert.True(Found(crop, "full"), string.Join('\n', lines));
        Assert.DoesNotContain(lines, l => l.StartsWith(unrelated, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{mirror},victims,", StringComparison.Ordinal) && l.EndsWith(",flipy", StringComparison.Ordinal));

        using var json = JsonDocument.Parse(CliRunner.Lines(Haechi("match", "--json", "--bank", "victims", letterbox).Out)[0]);
        Assert.Equal("canonical", json.RootElement.GetProperty("matches")[0].GetProperty("matched_by").GetString());
    }

    [Fact]
    public void Create_UnknownSignal_ClearError()
    {
        var result = Haechi("bank", "create", "b", "--signals", "pdq,orb");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unknown image signal 'orb'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_EntryWithViews_NoViewMatchesAfterwards()
    {
        const int Width = 800, Height = 600;
        var rgb = SyntheticImages.DrawRgb(Width, Height, 73);
        var original = Path.Combine(_dir, "o.png");
        File.WriteAllBytes(original, SyntheticImages.EncodePng(rgb, Width, Height));
        var mirror = WriteEdit("m.jpg", rgb, Width, Height, ImageEdit.Mirror);
        Haechi("bank", "create", "victims");
        Haechi("bank", "add", "victims", "--id", "case-2", original);
        Assert.Single(CliRunner.Lines(Haechi("match", mirror).Out));
        Assert.Equal(0, Haechi("bank", "remove", "victims", "--external-id", "case-2").ExitCode);
        Assert.Empty(CliRunner.Lines(Haechi("match", mirror).Out));
    }
}
