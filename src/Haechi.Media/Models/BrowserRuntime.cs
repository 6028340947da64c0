using System.Text.Json;

namespace Haechi.Media.Models;

/// <summary>
/// ONNX Runtime Web, which runs the face models in the victim's browser (the face step of
/// <c>/protect</c>): pulled from the npm registry with <c>npm pack</c>, its tarball checked against
/// the pinned SHA-256 before anything is read, and only the files the page needs (the WebAssembly
/// build's ES module, its loader and its <c>.wasm</c>) extracted into <c>DATA/browser/</c>, from where the
/// server serves them on its own origin. Never committed.
/// </summary>
public static class BrowserRuntime
{
    /// <summary>The pinned package.</summary>
    public static NpmPackage OnnxRuntimeWeb { get; } = new("onnxruntime-web", "1.30.0", "d2228df7e4616bc3348bf504ee888f3bec43789a273f0a63f3e68d203ce3bf71");

    /// <summary>The files served, as paths inside the package (served under their file names).</summary>
    public static IReadOnlyList<string> Files { get; } = ["dist/ort.wasm.min.mjs", "dist/ort-wasm-simd-threaded.mjs", "dist/ort-wasm-simd-threaded.wasm"];

    /// <summary>The ES module the page imports.</summary>
    public const string EntryModule = "ort.wasm.min.mjs";

    private const string ManifestName = "runtime.json";

    /// <summary>Where the files live: <c>DATA/browser/onnxruntime-web-VERSION</c>.</summary>
    public static string DirectoryFor(string dataDirectory) =>
        Path.Combine(dataDirectory, "browser", "onnxruntime-web-" + OnnxRuntimeWeb.Version);

    /// <summary>True when every file was extracted from the pinned tarball (its record names the pin).</summary>
    public static bool IsInstalled(string dataDirectory)
    {
        var directory = DirectoryFor(dataDirectory);
        var manifest = Path.Combine(directory, ManifestName);
        if (!File.Exists(manifest))
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(manifest));
            if (json.RootElement.GetProperty("tarballSha256").GetString() != OnnxRuntimeWeb.Sha256)
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }

        foreach (var file in Files)
        {
            if (!File.Exists(Path.Combine(directory, Path.GetFileName(file))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Pulls and extracts the runtime unless it is installed; true when it pulled.</summary>
    /// <exception cref="ModelConversionException">npm failed, or the tarball does not match its pin.</exception>
    public static async Task<bool> PullAsync(string dataDirectory, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        if (!force && IsInstalled(dataDirectory))
        {
            return false;
        }

        var directory = DirectoryFor(dataDirectory);
        var parent = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(parent);
        var tarballs = Path.Combine(parent, ".npm");
        var staging = Path.Combine(parent, ".staging-" + Guid.NewGuid().ToString("N"));
        try
        {
            var tarball = await NpmPackages.FetchAsync(OnnxRuntimeWeb, tarballs, cancellationToken).ConfigureAwait(false);
            await NpmPackages.ExtractAsync(tarball, [.. Files], staging, cancellationToken).ConfigureAwait(false);
            var record = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["package"] = OnnxRuntimeWeb.Name,
                ["version"] = OnnxRuntimeWeb.Version,
                ["tarballSha256"] = OnnxRuntimeWeb.Sha256,
            });
            await File.WriteAllTextAsync(Path.Combine(staging, ManifestName), record, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }

            Directory.Move(staging, directory);
            return true;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            if (Directory.Exists(tarballs))
            {
                Directory.Delete(tarballs, recursive: true);
            }
        }
    }
}
