using System.Globalization;
using System.Numerics.Tensors;
using Haechi.Core.Faces;
using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Media.Tests.Vision;

/// <summary>
/// The real converted models on the face-api sample photos (pulled at test time, never committed).
/// Figures are printed to the test output so that CI logs carry them.
/// </summary>
public sealed class VisionModelTests(ITestOutputHelper output)
{
    private static readonly ImageDecodeOptions VisionDecode = ImageDecodeOptions.Default with { MinWorkingSide = 512 };

    [Fact]
    public async Task Detect_FaceApiSamples_FindsEveryFace()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        using var model = store.Load(ModelCatalog.FaceDetector, "face-detection");
        var detector = new FaceDetector(model);

        var found = 0;
        var expected = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            var faces = detector.Detect(ImageDecoder.Decode(samples[i], VisionDecode));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sample{i + 1}: {faces.Count} faces (expected {VisionTestData.FacesPerSample[i]}), scores {string.Join(" ", faces.Select(f => f.Score.ToString("F2", CultureInfo.InvariantCulture)))}"));
            found += Math.Min(faces.Count, VisionTestData.FacesPerSample[i]);
            expected += VisionTestData.FacesPerSample[i];
            Assert.Equal(VisionTestData.FacesPerSample[i], faces.Count);
            Assert.All(faces, f => Assert.True(f.Score >= 0.5f && f.Width >= 64));
        }

        output.WriteLine($"detected {found}/{expected}, misses {expected - found}");
    }

    [Fact]
    public async Task Embed_CropJpegBrightnessVariants_SameFaceAboveThresholdDifferentFacesBelow()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        using var detectorModel = store.Load(ModelCatalog.FaceDetector);
        using var embedderModel = store.Load(ModelCatalog.FaceEmbedder, "face-embedding");
        var detector = new FaceDetector(detectorModel);
        var embedder = new FaceEmbedder(embedderModel);

        var originals = new List<float[]>();
        var genuine = new List<float>();
        foreach (var path in samples)
        {
            var image = ImageDecoder.Decode(path, VisionDecode);
            var faces = detector.Detect(image).Where(embedder.IsEmbeddable).ToList();
            var vectors = embedder.Embed(image, faces);
            originals.AddRange(vectors);

            // Re-crop: the box moved by 8 % of its width and 5 % of its height, and enlarged by 10 %.
            var moved = faces.Select(f => f with { X = f.X + (0.08f * f.Width) - (0.05f * f.Width), Y = f.Y - (0.05f * f.Height) - (0.05f * f.Height), Width = f.Width * 1.1f, Height = f.Height * 1.1f }).ToList();
            var recropped = embedder.Embed(image, moved);
            for (var i = 0; i < faces.Count; i++)
            {
                genuine.Add(TensorPrimitives.Dot(vectors[i], recropped[i]));
            }

            foreach (var variant in new[] { Jpeg(image, 30), Brightness(image, 1.3f) })
            {
                var variantFaces = detector.Detect(variant);
                for (var i = 0; i < faces.Count; i++)
                {
                    var match = variantFaces.OrderByDescending(v => FaceDetector.Iou(v, faces[i])).FirstOrDefault();
                    if (match is null || FaceDetector.Iou(match, faces[i]) < 0.3f)
                    {
                        genuine.Add(-1); // not found again: a false reject
                        continue;
                    }

                    genuine.Add(TensorPrimitives.Dot(vectors[i], embedder.Embed(variant, [match])[0]));
                }
            }
        }

        var impostor = new List<float>();
        for (var i = 0; i < originals.Count; i++)
        {
            for (var j = i + 1; j < originals.Count; j++)
            {
                impostor.Add(TensorPrimitives.Dot(originals[i], originals[j]));
            }
        }

        const float Threshold = FaceBank.DefaultThreshold;
        var falseRejects = genuine.Count(s => s < Threshold);
        var falseAccepts = impostor.Count(s => s >= Threshold);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"faces {originals.Count}; genuine pairs {genuine.Count}: min {genuine.Min():F3} mean {genuine.Average():F3}; impostor pairs {impostor.Count}: mean {impostor.Average():F3} max {impostor.Max():F3}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"threshold {Threshold}: FRR {falseRejects}/{genuine.Count} = {100.0 * falseRejects / genuine.Count:F1} %, FAR {falseAccepts}/{impostor.Count} = {100.0 * falseAccepts / impostor.Count:F1} %"));

        Assert.Equal(22, originals.Count);
        Assert.Equal(0, falseAccepts);
        Assert.True(falseRejects <= genuine.Count / 20, $"{falseRejects} false rejects");
        Assert.True(genuine.Average() > impostor.Max());
    }

    [Fact]
    public async Task Classify_Samples_ProbabilityVectorInDocumentedOrder()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        using var model = store.Load(ModelCatalog.Nudity, "nudity");
        var classifier = new NudityClassifier(model);

        Assert.Equal(["drawing", "hentai", "neutral", "porn", "sexy"], model.Contract.Labels);
        foreach (var path in samples)
        {
            var s = classifier.Classify(ImageDecoder.Decode(path, VisionDecode));
            float[] p = [s.Drawing, s.Hentai, s.Neutral, s.Porn, s.Sexy];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(path)}: {string.Join(" ", p.Select(v => v.ToString("F3", CultureInfo.InvariantCulture)))}"));
            Assert.All(p, v => Assert.InRange(v, 0f, 1f));
            Assert.Equal(1f, p.Sum(), 3);
        }
    }

    [Theory]
    [InlineData("drawing")]
    [InlineData("ui-screenshot")]
    [InlineData("photo-like")]
    public async Task Classify_ImagesDrawnInCode_NotScoredPorn(string kind)
    {
        var store = await VisionTestData.RequireModelsAsync();
        using var model = store.Load(ModelCatalog.Nudity, "nudity");
        var classifier = new NudityClassifier(model);
        var (pixels, width, height) = kind switch
        {
            "drawing" => BenignPictures.Drawing(640, 480),
            "ui-screenshot" => BenignPictures.UiScreenshot(800, 600),
            _ => (SyntheticImages.DrawRgb(640, 480, 7), 640, 480),
        };

        var s = classifier.Classify(new DecodedImage(pixels, width, height, PixelFormat.Rgb24, width, height, "memory"));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind}: drawing {s.Drawing:F3} hentai {s.Hentai:F3} neutral {s.Neutral:F3} porn {s.Porn:F3} sexy {s.Sexy:F3}"));
        Assert.True(s.Porn < 0.5f, $"porn {s.Porn}");
        Assert.True(s.Porn < Math.Max(s.Drawing, s.Neutral));
    }

    [Fact]
    public async Task Detect_ImageWithoutFaces_FindsNone()
    {
        var store = await VisionTestData.RequireModelsAsync();
        using var model = store.Load(ModelCatalog.FaceDetector);
        var (pixels, width, height) = BenignPictures.UiScreenshot(1024, 768);

        var faces = new FaceDetector(model).Detect(new DecodedImage(pixels, width, height, PixelFormat.Rgb24, width, height, "memory"));

        Assert.Empty(faces);
    }

    [Fact]
    public async Task Load_TamperedModelOrManifest_Refused()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var source = store.ModelDirectory(ModelCatalog.Liveness);
        var directory = Path.Combine(Path.GetTempPath(), "haechi-model-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(directory, "model.onnx"));
            var manifest = ModelManifest.Parse(await File.ReadAllTextAsync(Path.Combine(source, "manifest.json"), TestContext.Current.CancellationToken));

            // An agency's drop-in model: any folder with model.onnx and a manifest loads for its task.
            await File.WriteAllTextAsync(Path.Combine(directory, "manifest.json"), manifest.ToJson(), TestContext.Current.CancellationToken);
            using (var loaded = OnnxModel.Load(directory, "liveness"))
            {
                Assert.Equal("real", loaded.Contract.Outputs[0].Name);
            }

            Assert.Throws<ModelConversionException>(() => OnnxModel.Load(directory, "face-detection"));

            var wrongSelfTest = manifest with { SelfTest = manifest.SelfTest with { Expected = new Dictionary<string, float[]> { ["real"] = [0.123f] } } };
            await File.WriteAllTextAsync(Path.Combine(directory, "manifest.json"), wrongSelfTest.ToJson(), TestContext.Current.CancellationToken);
            Assert.Contains("self-test", Assert.Throws<ModelConversionException>(() => OnnxModel.Load(directory)).Message, StringComparison.Ordinal);

            var wrongShape = manifest with { Contract = manifest.Contract with { InputShape = [-1, 112, 112, 3] } };
            await File.WriteAllTextAsync(Path.Combine(directory, "manifest.json"), wrongShape.ToJson(), TestContext.Current.CancellationToken);
            Assert.Throws<ModelConversionException>(() => OnnxModel.Load(directory));

            await File.WriteAllTextAsync(Path.Combine(directory, "manifest.json"), manifest.ToJson(), TestContext.Current.CancellationToken);
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, "model.onnx"), TestContext.Current.CancellationToken);
            bytes[^100] ^= 0x55;
            await File.WriteAllBytesAsync(Path.Combine(directory, "model.onnx"), bytes, TestContext.Current.CancellationToken);
            Assert.Contains("SHA-256", Assert.Throws<ModelConversionException>(() => OnnxModel.Load(directory)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Pull_SecondTime_ConvertsNothing()
    {
        var store = await VisionTestData.RequireModelsAsync();

        var results = await store.PullAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.False(r.Converted));
        Assert.Equal(ModelCatalog.All.Count, results.Count);
    }

    private static DecodedImage Jpeg(DecodedImage image, int quality)
    {
        var decoded = ImageDecoder.Decode(SyntheticImages.EncodeJpeg(image.Pixels, image.Width, image.Height, quality), ImageDecodeOptions.Default with { MinWorkingSide = 0 });
        return new DecodedImage(decoded.Pixels, decoded.Width, decoded.Height, PixelFormat.Rgb24, image.SourceWidth, image.SourceHeight, "memory");
    }

    private static DecodedImage Brightness(DecodedImage image, float factor)
    {
        var pixels = new byte[image.Pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Min(255, image.Pixels[i] * factor);
        }

        return new DecodedImage(pixels, image.Width, image.Height, image.Format, image.SourceWidth, image.SourceHeight, "memory");
    }
}

/// <summary>Pictures drawn in code that no classifier should call sexual: a flat-colour drawing and an app screenshot.</summary>
internal static class BenignPictures
{
    public static (byte[] Pixels, int Width, int Height) Drawing(int width, int height)
    {
        var pixels = Fill(width, height, 250, 248, 240);
        // A house, a sun and a tree in flat colours with dark outlines, as a child's drawing.
        Rect(pixels, width, 200, 220, 240, 180, 200, 60, 40);
        Rect(pixels, width, 280, 300, 60, 100, 90, 60, 30);
        Disc(pixels, width, height, 520, 90, 50, 250, 200, 30);
        Rect(pixels, width, 460, 250, 30, 150, 110, 70, 40);
        Disc(pixels, width, height, 475, 220, 70, 40, 150, 60);
        Rect(pixels, width, 0, 400, width, 80, 90, 180, 90);
        for (var x = 200; x < 440; x++)
        {
            var y = 220 - Math.Min(x - 200, 440 - x) / 2;
            Rect(pixels, width, x, y, 2, 4, 30, 30, 30);
        }

        return (pixels, width, height);
    }

    public static (byte[] Pixels, int Width, int Height) UiScreenshot(int width, int height)
    {
        var pixels = Fill(width, height, 255, 255, 255);
        Rect(pixels, width, 0, 0, width, 56, 33, 99, 196); // app bar
        Rect(pixels, width, 16, 18, 160, 20, 255, 255, 255); // title
        Rect(pixels, width, 0, 56, 200, height - 56, 244, 245, 247); // side menu
        for (var i = 0; i < 8; i++)
        {
            Rect(pixels, width, 20, 80 + (i * 40), 150, 12, 120, 125, 135);
        }

        for (var row = 0; row < 6; row++)
        {
            var y = 90 + (row * 80);
            Rect(pixels, width, 230, y, width - 260, 64, 250, 250, 252); // card
            Rect(pixels, width, 246, y + 12, 40, 40, 200, 210, 225); // icon
            Rect(pixels, width, 300, y + 14, 300, 12, 60, 64, 72); // text line
            Rect(pixels, width, 300, y + 36, 220, 10, 150, 155, 165);
            Rect(pixels, width, width - 140, y + 18, 90, 28, 33, 150, 83); // button
        }

        return (pixels, width, height);
    }

    private static byte[] Fill(int width, int height, byte r, byte g, byte b)
    {
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b);
        }

        return pixels;
    }

    private static void Rect(byte[] pixels, int width, int x0, int y0, int w, int h, byte r, byte g, byte b)
    {
        var height = pixels.Length / 3 / width;
        for (var y = Math.Max(0, y0); y < Math.Min(height, y0 + h); y++)
        {
            for (var x = Math.Max(0, x0); x < Math.Min(width, x0 + w); x++)
            {
                var o = ((y * width) + x) * 3;
                (pixels[o], pixels[o + 1], pixels[o + 2]) = (r, g, b);
            }
        }
    }

    private static void Disc(byte[] pixels, int width, int height, int cx, int cy, int radius, byte r, byte g, byte b)
    {
        for (var y = Math.Max(0, cy - radius); y < Math.Min(height, cy + radius); y++)
        {
            for (var x = Math.Max(0, cx - radius); x < Math.Min(width, cx + radius); x++)
            {
                if (((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) <= radius * radius)
                {
                    var o = ((y * width) + x) * 3;
                    (pixels[o], pixels[o + 1], pixels[o + 2]) = (r, g, b);
                }
            }
        }
    }
}
