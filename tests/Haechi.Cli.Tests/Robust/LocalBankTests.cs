using System.Text.Json;
using Haechi.Media.Images;
using Haechi.Media.Robust;

namespace Haechi.Cli.Tests.Robust;

/// <summary>Banks created with the local signal (keypoints confirmed by geometry): stored, matched, reported and withdrawn.</summary>
public sealed class LocalBankTests : IDisposable
{
    private const int Width = 800, Height = 600;
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-local-bank-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", Path.Combine(_dir, "data"), .. args]);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>An off-centre crop: 15 % off the left, 2 % off the right, 22 % off the top, 5 % off the bottom.</summary>
    private static byte[] OffCentreCrop(byte[] rgb)
    {
        int x0 = Width * 15 / 100, y0 = Height * 22 / 100, w = Width - x0 - (Width * 2 / 100), h = Height - y0 - (Height * 5 / 100);
        var output = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        {
            rgb.AsSpan((((y0 + y) * Width) + x0) * 3, w * 3).CopyTo(output.AsSpan(y * w * 3, w * 3));
        }

        return SyntheticImages.EncodeJpeg(output, w, h, 85);
    }

    [Fact]
    public void Match_CropsPdqMisses_FoundThroughLocal_WithInliersAndNfa_UnrelatedNotFound_GoneAfterRemoval()
    {
        var rgb = SyntheticImages.DrawRgb(Width, Height, 81);
        var original = Write("original.jpg", SyntheticImages.EncodeJpeg(rgb, Width, Height));
        var crop20 = Write("crop20.jpg", ImageEdits.Apply(rgb, Width, Height, ImageEdit.Crop20, seed: 1));
        var offCentre = Write("offcentre.jpg", OffCentreCrop(rgb));
        var unrelatedRgb = SyntheticImages.DrawRgb(Width, Height, 82);
        var unrelated = Write("unrelated.jpg", SyntheticImages.EncodeJpeg(unrelatedRgb, Width, Height));
        var unrelatedCrop = Write("unrelated-crop.jpg", OffCentreCrop(unrelatedRgb));

        Assert.Equal(0, Haechi("bank", "create", "plain", "--signals", "pdq").ExitCode);
        var created = Haechi("bank", "create", "keypoints", "--signals", "local");
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("signals pdq,local", created.Out, StringComparison.Ordinal);
        Assert.Equal(0, Haechi("bank", "add", "plain", "--id", "case-1", original).ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "keypoints", "--id", "case-1", original).ExitCode);
        Assert.Contains("pdq local", Haechi("bank", "list").Out, StringComparison.Ordinal);

        var lines = CliRunner.Lines(Haechi("match", crop20, offCentre, unrelated, unrelatedCrop).Out);
        var joined = string.Join('\n', lines);

        // Plain PDQ misses both crops; the keypoint bank finds them and says so: local, inliers, log10 NFA.
        Assert.DoesNotContain(lines, l => l.Contains(",plain,", StringComparison.Ordinal));
        foreach (var copy in new[] { crop20, offCentre })
        {
            Assert.Contains(lines, l => l.StartsWith($"{copy},keypoints,", StringComparison.Ordinal) && l.Contains(",local:inliers=", StringComparison.Ordinal) && l.Contains(";log10nfa=-", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(lines, l => l.StartsWith(unrelated + ",", StringComparison.Ordinal) || l.StartsWith(unrelatedCrop + ",", StringComparison.Ordinal));
        Assert.Equal(2, lines.Length);

        using (var json = JsonDocument.Parse(CliRunner.Lines(Haechi("match", "--json", offCentre).Out)[0]))
        {
            var match = json.RootElement.GetProperty("matches")[0];
            Assert.Equal("local", match.GetProperty("matched_by").GetString());
            Assert.InRange(match.GetProperty("inliers").GetInt32(), 10, 176);
            Assert.True(match.GetProperty("log10_nfa").GetDouble() <= -3, joined);
        }

        // A victim's withdrawal leaves the local index too.
        Assert.Equal(0, Haechi("bank", "remove", "keypoints", "--external-id", "case-1").ExitCode);
        Assert.Empty(CliRunner.Lines(Haechi("match", crop20, offCentre).Out));
    }

    [Fact]
    public void Create_All_KeepsEverySignal()
    {
        Assert.Equal(0, Haechi("bank", "create", "every", "--signals", "all").ExitCode);
        Assert.Contains("signals: pdq,dihedral,canonical,crops,partial,local", Haechi("bank", "show", "every").Out, StringComparison.Ordinal);
    }
}
