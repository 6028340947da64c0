using Haechi.Cli.Hashing;
using Haechi.Media.Images;

namespace Haechi.Cli.Bench;

/// <summary>One image held in memory for a benchmark.</summary>
internal sealed record BenchImage(string Name, byte[] Bytes, long Pixels);

/// <summary>The images a benchmark runs on: given files, or a generated photo-like set.</summary>
internal sealed record BenchImageSet(IReadOnlyList<BenchImage> Items, string Description)
{
    /// <summary>24 JPEGs of 1024×768, 8 PNGs of 800×600 and 4 JPEGs of 4000×3000 (12 MP), drawn from fixed seeds.</summary>
    public static BenchImageSet Generate()
    {
        var items = new List<BenchImage>();
        for (var i = 0; i < 24; i++)
        {
            items.Add(new BenchImage($"photo-{i}.jpg", SyntheticImages.Jpeg(1024, 768, 100 + i), 1024 * 768));
        }

        for (var i = 0; i < 8; i++)
        {
            items.Add(new BenchImage($"screen-{i}.png", SyntheticImages.Png(800, 600, 200 + i), 800 * 600));
        }

        for (var i = 0; i < 4; i++)
        {
            items.Add(new BenchImage($"camera-{i}.jpg", SyntheticImages.Jpeg(4000, 3000, 300 + i), 4000 * 3000));
        }

        return new BenchImageSet(items, "generated: 24 JPEG 1024x768, 8 PNG 800x600, 4 JPEG 12 MP");
    }

    /// <summary>Reads the given files (directories recursively); unreadable files are skipped.</summary>
    public static BenchImageSet Load(IReadOnlyList<string> paths)
    {
        var items = new List<BenchImage>();
        foreach (var file in InputFiles.Expand(paths, recursive: true))
        {
            if (file.Problem is not null)
            {
                continue;
            }

            try
            {
                var bytes = ImageFingerprinter.ReadFile(file.Path, ImageDecodeOptions.DefaultMaxFileBytes);
                var fingerprint = new ImageFingerprinter().Fingerprint(bytes);
                items.Add(new BenchImage(file.Path, bytes, (long)fingerprint.Width * fingerprint.Height));
            }
            catch (ImageDecodeException)
            {
                // Not an image Haechi decodes: leave it out of the figures.
            }
        }

        return new BenchImageSet(items, "given files");
    }
}
