using System.Diagnostics;
using System.Text.Json;
using Haechi.Media.Images;

namespace Haechi.Cli.Tests.Banks;

public sealed class BankCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-bank-").FullName;

    private string Data => Path.Combine(_dir, "data");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", Data, .. args]);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void AddThenMatch_EditedCopies_FoundWithDistanceAndTransform()
    {
        var rgb = SyntheticImages.DrawRgb(800, 600, 21);
        var original = Write("original.jpg", SyntheticImages.EncodeJpeg(rgb, 800, 600));
        var reencoded = Write("copy-q35.jpg", SyntheticImages.EncodeJpeg(rgb, 800, 600, quality: 35));
        var unrelated = Write("other.jpg", SyntheticImages.Jpeg(800, 600, 22));
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        var add = Haechi("bank", "add", "victims", "--id", "case-7", "--label", "registered", original);
        Assert.Equal(0, add.ExitCode);
        Assert.Equal($"1,{original}", CliRunner.Lines(add.Out)[0]);

        var match = Haechi("match", "--bank", "victims", reencoded, unrelated);
        Assert.Equal(0, match.ExitCode);
        var lines = CliRunner.Lines(match.Out);
        var fields = Assert.Single(lines).Split(',');
        Assert.Equal(reencoded, fields[0]);
        Assert.Equal("victims", fields[1]);
        Assert.Equal("1", fields[2]);
        Assert.InRange(int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture), 0, 31);
        Assert.Equal("original", fields[4]);

        var json = Haechi("match", "--json", reencoded);
        using var doc = JsonDocument.Parse(CliRunner.Lines(json.Out)[0]);
        var hit = doc.RootElement.GetProperty("matches")[0];
        Assert.Equal("case-7", hit.GetProperty("external_id").GetString());
        Assert.Equal("registered", hit.GetProperty("labels")[0].GetString());
    }

    [Fact]
    public void Match_MirroredCopy_FoundByDefault_NotWithDihedralFalse()
    {
        var rgb = SyntheticImages.DrawRgb(640, 480, 23);
        var mirrored = new byte[rgb.Length];
        for (var y = 0; y < 480; y++)
        {
            for (var x = 0; x < 640; x++)
            {
                Array.Copy(rgb, ((y * 640) + x) * 3, mirrored, ((y * 640) + (639 - x)) * 3, 3);
            }
        }

        var original = Write("o.png", SyntheticImages.EncodePng(rgb, 640, 480));
        var mirror = Write("m.png", SyntheticImages.EncodePng(mirrored, 640, 480));
        Haechi("bank", "create", "b", "--signals", "pdq");
        Haechi("bank", "add", "b", original);
        Assert.Empty(CliRunner.Lines(Haechi("match", "--dihedral", "false", mirror).Out));
        var fields = Assert.Single(CliRunner.Lines(Haechi("match", mirror).Out)).Split(',');
        Assert.Equal("flipy", fields[4]);
    }

    [Fact]
    public void ImportExport_ReferenceCsvAndJsonl_RoundTrip()
    {
        Haechi("bank", "create", "partner");
        var csv = Write("list.csv", System.Text.Encoding.UTF8.GetBytes(
            "# partner list\n" +
            "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,bridge-mods/aaa-orig.jpg\n" +
            "30a10efdf1c83f429013d48d0ffffc52e34e0e35ada952a9d29605215aa9e5af,95,item-2\n"));
        var import = Haechi("bank", "import", "partner", csv);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("added 2, duplicates 0", import.Error, StringComparison.Ordinal);

        var exported = Haechi("bank", "export", "partner");
        Assert.Equal(
            ["d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,bridge-mods/aaa-orig.jpg", "30a10efdf1c83f429013d48d0ffffc52e34e0e35ada952a9d29605215aa9e5af,95,item-2"],
            CliRunner.Lines(exported.Out));

        var jsonl = Haechi("bank", "export", "partner", "--format", "jsonl");
        var jsonPath = Write("list.jsonl", System.Text.Encoding.UTF8.GetBytes(jsonl.Out));
        Haechi("bank", "create", "copy");
        Assert.Equal(0, Haechi("bank", "import", "copy", jsonPath).ExitCode);
        Assert.Equal(exported.Out, Haechi("bank", "export", "copy").Out);
    }

    [Fact]
    public void Import_MalformedLine_NothingImportedLineNamed()
    {
        Haechi("bank", "create", "b");
        var csv = Write("bad.csv", System.Text.Encoding.UTF8.GetBytes(
            "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,a\nnot-a-hash,100,b\n"));
        var result = Haechi("bank", "import", "b", csv);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("line 2", result.Error, StringComparison.Ordinal);
        Assert.Contains("hexadecimal", result.Error, StringComparison.Ordinal);
        Assert.Contains(",0,0,", CliRunner.Lines(Haechi("bank", "list").Out)[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_UnknownBank_ClearError()
    {
        foreach (var args in new[] { new[] { "bank", "show", "ghost" }, ["bank", "export", "ghost"], ["bank", "remove", "ghost", "1"], ["match", "--bank", "ghost", "x.jpg"] })
        {
            var result = Haechi(args);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("no bank named 'ghost'", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Remove_ThenMatch_WithdrawnNeverMatchesAgain()
    {
        var image = Write("a.jpg", SyntheticImages.Jpeg(500, 400, 24));
        Haechi("bank", "create", "b");
        Haechi("bank", "add", "b", "--id", "case-1", image);
        Assert.Single(CliRunner.Lines(Haechi("match", image).Out));
        Assert.Equal(0, Haechi("bank", "remove", "b", "--external-id", "case-1").ExitCode);
        Assert.Empty(CliRunner.Lines(Haechi("match", image).Out));
        Assert.Empty(CliRunner.Lines(Haechi("bank", "export", "b").Out));
    }

    [Fact]
    public void ImportKilledMidway_Reopened_CommittedDataIntactAndImportAllOrNothing()
    {
        var haechi = Path.Combine(AppContext.BaseDirectory, "haechi.dll");
        var first = Write("first.jpg", SyntheticImages.Jpeg(400, 300, 25));
        Assert.Equal(0, Haechi("bank", "create", "victims").ExitCode);
        Assert.Equal(0, Haechi("bank", "add", "victims", "--id", "case-1", first).ExitCode);

        // A large import, killed while it runs.
        var random = new Random(26);
        var lines = new System.Text.StringBuilder();
        var bytes = new byte[32];
        const int Rows = 60_000;
        for (var i = 0; i < Rows; i++)
        {
            random.NextBytes(bytes);
            lines.Append(Convert.ToHexStringLower(bytes)).Append(",90,row-").Append(i).Append('\n');
        }

        var list = Write("big.csv", System.Text.Encoding.UTF8.GetBytes(lines.ToString()));
        using (var process = Process.Start(new ProcessStartInfo("dotnet", ["exec", haechi, "--data-dir", Data, "bank", "import", "victims", list])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!)
        {
            Thread.Sleep(1500);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        var listed = CliRunner.Lines(Haechi("bank", "list").Out)[1].Split(',');
        var active = int.Parse(listed[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(active == 1 || active == Rows + 1, $"{active} active entries: an import is all or nothing");
        Assert.Single(CliRunner.Lines(Haechi("match", first).Out));
    }
}
