using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Haechi.Media.Models;

namespace Haechi.Media.Tests.Vision;

/// <summary>Pin checks and extraction, offline: a stand-in "npm" script packs a tarball made here.</summary>
public sealed class NpmPackagesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "haechi-npm-" + Guid.NewGuid().ToString("N"));

    public NpmPackagesTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FetchAsync_MatchingPin_ExtractsFiles()
    {
        var (npm, sha) = FakeNpm("@scope/pkg", "1.2.3");
        var package = new NpmPackage("@scope/pkg", "1.2.3", sha);

        var tarball = await NpmPackages.FetchAsync(package, Path.Combine(_directory, "cache"), npm, TestContext.Current.CancellationToken);
        await NpmPackages.ExtractAsync(tarball, ["models/a.json"], Path.Combine(_directory, "out"), TestContext.Current.CancellationToken);

        Assert.Equal("scope-pkg-1.2.3.tgz", Path.GetFileName(tarball));
        Assert.Equal("{\"a\":1}", await File.ReadAllTextAsync(Path.Combine(_directory, "out", "a.json"), TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(_directory, "out", "b.txt")));
    }

    [Fact]
    public async Task FetchAsync_WrongPin_Refused()
    {
        var (npm, _) = FakeNpm("pkg", "1.0.0");
        var package = new NpmPackage("pkg", "1.0.0", new string('0', 64));

        var error = await Assert.ThrowsAsync<ModelConversionException>(() => NpmPackages.FetchAsync(package, Path.Combine(_directory, "cache"), npm, TestContext.Current.CancellationToken));

        Assert.Contains("Refusing", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "cache", "pkg-1.0.0.tgz")));
    }

    [Fact]
    public async Task FetchAsync_NpmFails_ClearError()
    {
        var package = new NpmPackage("pkg", "1.0.0", new string('0', 64));

        var error = await Assert.ThrowsAsync<ModelConversionException>(() => NpmPackages.FetchAsync(package, Path.Combine(_directory, "cache"), "/bin/false", TestContext.Current.CancellationToken));

        Assert.Contains("npm pack pkg@1.0.0 failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExtractAsync_MissingFile_Throws()
    {
        var (npm, sha) = FakeNpm("pkg", "1.0.0");
        var tarball = await NpmPackages.FetchAsync(new NpmPackage("pkg", "1.0.0", sha), Path.Combine(_directory, "cache"), npm, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<ModelConversionException>(() => NpmPackages.ExtractAsync(tarball, ["models/missing.bin"], Path.Combine(_directory, "out"), TestContext.Current.CancellationToken));
    }

    // Writes package/models/a.json and package/b.txt into a .tgz, and a script that copies it to --pack-destination.
    private (string Npm, string Sha256) FakeNpm(string name, string version)
    {
        var tgz = Path.Combine(_directory, "source.tgz");
        using (var file = File.Create(tgz))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (path, text) in new[] { ("package/models/a.json", "{\"a\":1}"), ("package/b.txt", "b") })
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)) };
                tar.WriteEntry(entry);
            }
        }

        var target = name.TrimStart('@').Replace('/', '-') + "-" + version + ".tgz";
        var script = Path.Combine(_directory, "npm");
        File.WriteAllText(script, $"#!/bin/sh\n# npm pack SPEC --pack-destination DIR ...\ncp '{tgz}' \"$4/{target}\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return (script, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(tgz))));
    }
}
