using System.Globalization;
using Haechi.Media.Images;

namespace Haechi.Cli.Tests;

/// <summary>One line of <c>haechi match</c>: the file, the bank, the entry, the distance and how it matched (transform, or signal:view).</summary>
internal sealed record CliMatch(string Path, string Bank, long EntryId, int Distance, string How);

/// <summary>
/// A fresh data directory and the <c>haechi</c> command on it, with intent-level steps for new
/// tests: create a bank, add a photo, match a file, and the CLI's services (<see cref="CliServices"/>)
/// on the same store. Each step runs the command in-process as a person would and fails the test
/// with the command's error output when it does not succeed.
/// </summary>
internal sealed class HaechiCli : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("haechi-cli-").FullName;
    private int _files;

    public HaechiCli() => DataDirectory = Path.Combine(_root, "data");

    public string DataDirectory { get; }

    /// <summary>A synthetic photo-like JPEG (no real person), different for each seed.</summary>
    public static byte[] Photo(int seed, int width = 640, int height = 480) => SyntheticImages.Jpeg(width, height, seed);

    /// <summary>The same picture as <see cref="Photo"/>, re-encoded at a low JPEG quality: a copy, not the file.</summary>
    public static byte[] Copy(int seed, int width = 640, int height = 480) => SyntheticImages.EncodeJpeg(SyntheticImages.DrawRgb(width, height, seed), width, height, quality: 35);

    /// <summary>Runs <c>haechi --data-dir DATA ARGS</c>.</summary>
    public (int ExitCode, string Out, string Error) Run(params string[] args) => CliRunner.Run(["--data-dir", DataDirectory, .. args]);

    /// <summary>Writes <paramref name="bytes"/> to a new file beside the data directory; returns its path.</summary>
    public string WriteFile(byte[] bytes, string extension = ".jpg")
    {
        var path = Path.Combine(_root, string.Create(CultureInfo.InvariantCulture, $"file-{Interlocked.Increment(ref _files)}{extension}"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary><c>haechi bank create NAME</c>, with <c>--signals</c> when given.</summary>
    public void CreateBank(string name, string? signals = null)
    {
        var result = signals is null ? Run("bank", "create", name) : Run("bank", "create", name, "--signals", signals);
        Assert.True(result.ExitCode == 0, result.Error);
    }

    /// <summary><c>haechi bank add BANK [--id ID] FILE</c> for a photo; returns its entry id.</summary>
    public long AddPhoto(string bank, byte[] photo, string? id = null) => AddPhoto(bank, WriteFile(photo), id);

    /// <summary><c>haechi bank add BANK [--id ID] PATH</c>; returns the entry id.</summary>
    public long AddPhoto(string bank, string path, string? id = null)
    {
        var result = id is null ? Run("bank", "add", bank, path) : Run("bank", "add", bank, "--id", id, path);
        Assert.True(result.ExitCode == 0, result.Error);
        var line = Assert.Single(CliRunner.Lines(result.Out));
        Assert.EndsWith("," + path, line, StringComparison.Ordinal);
        return long.Parse(line[..line.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    /// <summary><c>haechi match [--bank BANK] FILE</c> for a photo: its matches, closest first.</summary>
    public IReadOnlyList<CliMatch> Match(byte[] photo, string? bank = null) => Match(WriteFile(photo), bank);

    /// <summary><c>haechi match [--bank BANK] PATH</c>: its matches, closest first.</summary>
    public IReadOnlyList<CliMatch> Match(string path, string? bank = null)
    {
        var result = bank is null ? Run("match", path) : Run("match", "--bank", bank, path);
        Assert.True(result.ExitCode == 0, result.Error);
        var matches = new List<CliMatch>();
        foreach (var line in CliRunner.Lines(result.Out))
        {
            // path,bank,entry_id,distance,how: the path may hold commas, the rest do not.
            var fields = line.Split(',');
            var n = fields.Length;
            matches.Add(new CliMatch(string.Join(',', fields[..(n - 4)]), fields[n - 4], long.Parse(fields[n - 3], CultureInfo.InvariantCulture), int.Parse(fields[n - 2], CultureInfo.InvariantCulture), fields[n - 1]));
        }

        return matches;
    }

    /// <summary>The CLI's services on this store (what every command resolves), with <paramref name="settings"/> over the environment.</summary>
    public CliServices Services(IReadOnlyDictionary<string, string?>? settings = null) => CliServices.Create(DataDirectory, settings);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
