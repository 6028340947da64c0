using System.CommandLine;
using System.Globalization;
using Haechi.Media.Images;

namespace Haechi.Cli.Hashing;

/// <summary><c>haechi sample</c>: writes benign, generated photo-like images to try the other commands on.</summary>
internal static class SampleCommand
{
    public static Command Create(CliConsole console)
    {
        var outDir = new Option<string>("--out") { Description = "Directory to write the images into.", Required = true };
        var count = new Option<int>("--count") { Description = "How many images.", DefaultValueFactory = _ => 6 };
        var command = new Command("sample", "Write generated, benign photo-like images (JPEG and PNG, plus a re-encoded copy and a mirror) for trying Haechi.")
        {
            outDir,
            count,
        };
        command.SetAction(result =>
        {
            var dir = result.GetValue(outDir)!;
            var n = Math.Clamp(result.GetValue(count), 1, 1000);
            Directory.CreateDirectory(dir);
            for (var i = 0; i < n; i++)
            {
                var (width, height) = i % 2 == 0 ? (1024, 768) : (768, 1024);
                var rgb = SyntheticImages.DrawRgb(width, height, 1000 + i);
                var name = string.Create(CultureInfo.InvariantCulture, $"sample-{i:00}");
                File.WriteAllBytes(Path.Combine(dir, name + ".jpg"), SyntheticImages.EncodeJpeg(rgb, width, height));
                if (i == 0)
                {
                    // A lower-quality re-encode and a mirror image of the first sample: copies PDQ should find.
                    File.WriteAllBytes(Path.Combine(dir, name + "-q40.jpg"), SyntheticImages.EncodeJpeg(rgb, width, height, quality: 40));
                    File.WriteAllBytes(Path.Combine(dir, name + "-mirror.png"), SyntheticImages.EncodePng(Mirror(rgb, width, height), width, height));
                }
            }

            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {n + 2} images to {dir}"));
            return 0;
        });
        return command;
    }

    private static byte[] Mirror(byte[] rgb, int width, int height)
    {
        var mirrored = new byte[rgb.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var from = ((y * width) + x) * 3;
                var to = ((y * width) + (width - 1 - x)) * 3;
                mirrored[to] = rgb[from];
                mirrored[to + 1] = rgb[from + 1];
                mirrored[to + 2] = rgb[from + 2];
            }
        }

        return mirrored;
    }
}
