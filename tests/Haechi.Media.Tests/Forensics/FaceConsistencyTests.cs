using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Tests.Vision;
using Haechi.Media.Vision;
using NetVips;

namespace Haechi.Media.Tests.Forensics;

/// <summary>
/// Face against background consistency on the face-api sample photos (pulled at test time): untouched
/// photos against generated splices where the face comes from a blurred or a differently compressed
/// copy of another photo. Rates are printed; the limits are asserted.
/// </summary>
public sealed class FaceConsistencyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task FaceConsistency_UntouchedPhotosAndSplices_SplicesFlaggedUntouchedNot()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var samples = await VisionTestData.RequireSamplesAsync();
        using var model = store.Load(ModelCatalog.FaceDetector, "face-detection");
        var detector = new FaceDetector(model);

        // Camera-like originals: each sample resized to half (Lanczos, so no block structure survives) and saved at JPEG 92.
        var photos = new List<Photo>();
        for (var i = 0; i < samples.Length; i++)
        {
            using var full = NetVips.Image.NewFromFile(samples[i]);
            using var half = full.Resize(0.5);
            var image = ImageDecoder.Decode(half.JpegsaveBuffer(q: 92), ImageDecodeOptions.Default with { MinWorkingSide = 4096 });
            var face = detector.Detect(image).OrderByDescending(f => f.Width * f.Height).First();
            var scale = (float)image.Width / image.SourceWidth;
            photos.Add(new Photo(i, image.Pixels, image.Width, image.Height, (face.X * scale, face.Y * scale, face.Width * scale, face.Height * scale)));
        }

        int untouchedFlagged = 0, blurredFlagged = 0, compressedFlagged = 0;
        foreach (var photo in photos)
        {
            var untouched = Analyze(detector, SourceComposites.Encode(photo.Pixels, photo.Width, photo.Height, "png", 0));
            untouchedFlagged += untouched.Band == EvidenceBand.Inconclusive ? 1 : 0;
            output.WriteLine($"untouched {photo.Index + 1}: {untouched.Band.ToText()}: {string.Join(" | ", untouched.Details.Select(d => d.Value))}");

            var donor = photos[(photo.Index + 1) % photos.Count];
            var blurred = Blur(donor, 2.5);
            var blurredSplice = Analyze(detector, SourceComposites.Encode(SourceComposites.PasteFace(blurred, photo), photo.Width, photo.Height, "png", 0));
            blurredFlagged += Flagged(blurredSplice, photo) ? 1 : 0;
            output.WriteLine($"blurred face into {photo.Index + 1}: {blurredSplice.Band.ToText()}: {string.Join(" | ", blurredSplice.Details.Select(d => d.Key + ": " + d.Value))}");

            var compressedSplice = Analyze(detector, SourceComposites.Encode(CompressedFace(SourceComposites.PasteFace(donor, photo), photo, 25, 3, 5), photo.Width, photo.Height, "png", 0));
            compressedFlagged += Flagged(compressedSplice, photo) ? 1 : 0;
            output.WriteLine($"JPEG-25 face into {photo.Index + 1}: {compressedSplice.Band.ToText()}: {string.Join(" | ", compressedSplice.Details.Select(d => d.Key + ": " + d.Value))}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"untouched photos flagged {untouchedFlagged}/{photos.Count}; blurred-face splices flagged {blurredFlagged}/{photos.Count}; JPEG-25-face splices flagged {compressedFlagged}/{photos.Count}"));
        Assert.Equal(0, untouchedFlagged);
        Assert.True(blurredFlagged >= 3, "blurred-face splices"); // measured 3/6: a blur of σ 2.5 px on a ~120 px face is often within untouched variation
        Assert.True(compressedFlagged >= photos.Count - 1, "compressed-face splices");
    }

    /// <summary>The spliced face (the target's largest) itself is the one marked inconsistent.</summary>
    private static bool Flagged(ForensicFinding finding, Photo target)
    {
        if (finding.Band != EvidenceBand.Inconclusive)
        {
            return false;
        }

        foreach (var (key, value) in finding.Details)
        {
            var at = key.Split(' ')[3].Split(',');
            var x = int.Parse(at[0], CultureInfo.InvariantCulture);
            var y = int.Parse(at[1], CultureInfo.InvariantCulture);
            if (Math.Abs(x - target.Face.X) < target.Face.W / 2 && Math.Abs(y - target.Face.Y) < target.Face.H / 2 && value.EndsWith("— inconsistent", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static ForensicFinding Analyze(FaceDetector detector, byte[] bytes)
    {
        var image = JpegGridFinding.DecodeFull(bytes, ImageDecodeOptions.Default, out var problem);
        Assert.NotNull(image);
        var plane = JpegGridFinding.LumaOf(image, ref problem);
        var findings = new List<ForensicFinding>();
        var maps = new List<ForensicMap>();
        FaceConsistencyFinding.Add(image, [.. detector.Detect(image).Where(f => f.Score >= 0.6f)], plane, findings, maps);
        var map = Assert.Single(maps);
        Assert.Equal("face-consistency", map.Method);
        return Assert.Single(findings);
    }

    private static Photo Blur(Photo photo, double sigma)
    {
        using var image = NetVips.Image.NewFromMemory(photo.Pixels, photo.Width, photo.Height, 3, Enums.BandFormat.Uchar);
        using var blurred = image.Gaussblur(sigma);
        return photo with { Pixels = blurred.WriteToMemory<byte>() };
    }

    /// <summary>The pasted face area (the target's face box enlarged ×1.3) replaced by its JPEG copy at <paramref name="quality"/> on a grid shifted by (dx, dy).</summary>
    private static byte[] CompressedFace(byte[] composite, Photo target, int quality, int dx, int dy)
    {
        using var image = NetVips.Image.NewFromMemory(composite, target.Width, target.Height, 3, Enums.BandFormat.Uchar);
        using var crop = image.Crop(dx, dy, target.Width - dx, target.Height - dy);
        using var decoded = NetVips.Image.NewFromBuffer(crop.JpegsaveBuffer(q: quality));
        var compressed = decoded.WriteToMemory<byte>();
        var output = (byte[])composite.Clone();
        var (fx, fy, fw, fh) = target.Face;
        for (var y = Math.Max(dy, (int)(fy - (0.15f * fh))); y < Math.Min(target.Height, (int)(fy + (1.15f * fh))); y++)
        {
            for (var x = Math.Max(dx, (int)(fx - (0.15f * fw))); x < Math.Min(target.Width, (int)(fx + (1.15f * fw))); x++)
            {
                compressed.AsSpan((((y - dy) * (target.Width - dx)) + (x - dx)) * 3, 3).CopyTo(output.AsSpan(((y * target.Width) + x) * 3, 3));
            }
        }

        return output;
    }
}
