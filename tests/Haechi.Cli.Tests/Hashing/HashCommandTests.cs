using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Haechi.Media.Images;

namespace Haechi.Cli.Tests.Hashing;

public sealed partial class HashCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex("^[0-9a-f]{64},[0-9]{1,3},.+$")]
    private static partial Regex CsvLine();

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Hash_Files_PrintsReferenceCsvInGivenOrder()
    {
        var a = Write("b.jpg", SyntheticImages.Jpeg(300, 200, 1));
        var b = Write("a.png", SyntheticImages.Png(200, 300, 2));
        var (code, output, error) = CliRunner.Run("hash", "-j", "2", a, b);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        var lines = CliRunner.Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Matches(CsvLine(), line));
        Assert.EndsWith("," + a, lines[0], StringComparison.Ordinal);
        Assert.EndsWith("," + b, lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_Dihedral_PrintsEightHashesQualityPath()
    {
        var a = Write("x.jpg", SyntheticImages.Jpeg(300, 200, 3));
        var (code, output, _) = CliRunner.Run("hash", "--dihedral", a);
        Assert.Equal(0, code);
        var fields = CliRunner.Lines(output)[0].Split(',');
        Assert.Equal(10, fields.Length);
        Assert.All(fields[..8], f => Assert.Matches("^[0-9a-f]{64}$", f));
        Assert.Equal(a, fields[9]);
        var plain = CliRunner.Lines(CliRunner.Run("hash", a).Out)[0].Split(',');
        Assert.Equal(plain[0], fields[0]);
        Assert.Equal(plain[1], fields[8]);
    }

    [Fact]
    public void Hash_Json_IncludesFileDigests()
    {
        var bytes = SyntheticImages.Jpeg(300, 200, 4);
        var a = Write("y.jpg", bytes);
        var (code, output, _) = CliRunner.Run("hash", "--json", "--dihedral", a);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(CliRunner.Lines(output)[0]);
        var root = doc.RootElement;
        Assert.Equal(a, root.GetProperty("path").GetString());
        Assert.Equal(64, root.GetProperty("hash").GetString()!.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), root.GetProperty("sha256").GetString());
#pragma warning disable CA5351 // checking the exchange digest
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), root.GetProperty("md5").GetString());
#pragma warning restore CA5351
        Assert.Equal(300, root.GetProperty("width").GetInt32());
        Assert.Equal(8, root.GetProperty("dihedral").EnumerateObject().Count());
        Assert.Equal(root.GetProperty("hash").GetString(), root.GetProperty("dihedral").GetProperty("original").GetString());
    }

    [Fact]
    public void Hash_UnreadableAmongGood_ReportsEachAndExitsOne()
    {
        var good1 = Write("1.jpg", SyntheticImages.Jpeg(200, 200, 5));
        var bad = Write("2.jpg", "not an image"u8.ToArray());
        var good2 = Write("3.jpg", SyntheticImages.Jpeg(200, 200, 6));
        var missing = Path.Combine(_dir, "missing.jpg");
        var (code, output, error) = CliRunner.Run("hash", good1, bad, missing, good2);
        Assert.Equal(1, code);
        Assert.Equal(2, CliRunner.Lines(output).Length);
        var errors = CliRunner.Lines(error);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith($"haechi: {bad}: Not an image", errors[0], StringComparison.Ordinal);
        Assert.StartsWith($"haechi: {missing}: No such file", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_Directory_NeedsRecursive()
    {
        Write("sub/a.jpg", SyntheticImages.Jpeg(100, 100, 7));
        Write("sub/deeper/b.png", SyntheticImages.Png(100, 100, 8));
        var (code, _, error) = CliRunner.Run("hash", _dir);
        Assert.Equal(1, code);
        Assert.Contains("--recursive", error, StringComparison.Ordinal);

        var (recursiveCode, output, _) = CliRunner.Run("hash", "--recursive", _dir);
        Assert.Equal(0, recursiveCode);
        var lines = CliRunner.Lines(output);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith(Path.Combine("sub", "a.jpg"), lines[0], StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("sub", "deeper", "b.png"), lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_ManyFilesInParallel_SameAsOneThread()
    {
        var paths = Enumerable.Range(0, 12).Select(i => Write($"p{i:00}.jpg", SyntheticImages.Jpeg(160, 120, 100 + i))).ToArray();
        var serial = CliRunner.Run(["hash", "-j", "1", .. paths]).Out;
        var parallel = CliRunner.Run(["hash", "-j", "4", .. paths]).Out;
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void Hash_Help_ExplainsOptions()
    {
        var (code, output, _) = CliRunner.Run("hash", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--dihedral", "--json", "--jobs", "--recursive", "--exif-orientation", "--max-pixels", "hash,quality,path" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hash_BadJobs_UsageError()
    {
        var (code, _, error) = CliRunner.Run("hash", "-j", "0", "x.jpg");
        Assert.NotEqual(0, code);
        Assert.Contains("--jobs must be at least 1", error, StringComparison.Ordinal);
    }
}
