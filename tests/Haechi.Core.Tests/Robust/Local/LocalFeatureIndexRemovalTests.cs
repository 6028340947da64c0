using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust.Local;

namespace Haechi.Core.Tests.Robust.Local;

public sealed class LocalFeatureIndexRemovalTests
{
    private const int W = 640, H = 480;

    /// <summary>Seeded rectangles on a grey field with mild noise (corners everywhere), drawn in code.</summary>
    private static byte[] Scene(int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[W * H];
        Array.Fill(pixels, (byte)random.Next(60, 200));
        for (var s = 0; s < 60; s++)
        {
            int cx = random.Next(W), cy = random.Next(H), rw = random.Next(8, W / 6), rh = random.Next(8, H / 6);
            var value = (byte)random.Next(256);
            for (var y = Math.Max(0, cy - rh); y < Math.Min(H, cy + rh); y++)
            {
                pixels.AsSpan((y * W) + Math.Max(0, cx - rw), Math.Min(W, cx + rw) - Math.Max(0, cx - rw)).Fill(value);
            }
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(pixels[i] + random.Next(-3, 4), 0, 255);
        }

        return pixels;
    }

    /// <summary>An off-centre crop: 12 % left, 3 % right, 5 % top, 20 % bottom.</summary>
    private static (byte[] Pixels, int Width, int Height) OffCentreCrop(byte[] pixels)
    {
        int x0 = 77, y0 = 24, w = 544, h = 360;
        var output = new byte[w * h];
        for (var y = 0; y < h; y++)
        {
            pixels.AsSpan(((y0 + y) * W) + x0, w).CopyTo(output.AsSpan(y * w, w));
        }

        return (output, w, h);
    }

    [Fact]
    public void Remove_RegisteredImage_NoLongerMatches_OthersStillDo()
    {
        var extractor = new LocalFeatureExtractor();
        var index = new LocalFeatureIndex();
        for (var i = 0; i < 4; i++)
        {
            index.Add(10 + i, LocalFeatures.FromBytes(extractor.Extract(Scene(40 + i), W, H, PixelFormat.Grey8).ToBytes()));
        }

        var (copy1, w1, h1) = OffCentreCrop(Scene(41));
        var (copy2, w2, h2) = OffCentreCrop(Scene(42));
        var query1 = extractor.Extract(copy1, w1, h1, PixelFormat.Grey8, LocalFeatureExtractor.MaxQueryFeatures);
        var query2 = extractor.Extract(copy2, w2, h2, PixelFormat.Grey8, LocalFeatureExtractor.MaxQueryFeatures);
        var results = new List<LocalMatch>();
        index.Search(query1, results);
        Assert.Equal(11, Assert.Single(results).ImageId);

        Assert.True(index.Remove(11));
        Assert.False(index.Remove(11));
        Assert.False(index.Contains(11));
        Assert.Equal(3, index.ImageCount);

        results.Clear();
        index.Search(query1, results);
        Assert.Empty(results);
        index.Search(query2, results);
        Assert.Equal(12, Assert.Single(results).ImageId);

        // Registered again (a new entry id): found again.
        index.Add(20, extractor.Extract(Scene(41), W, H, PixelFormat.Grey8));
        results.Clear();
        index.Search(query1, results);
        Assert.Equal(20, Assert.Single(results).ImageId);
    }

    [Fact]
    public void Minimise_VictimRegistration_FewerCoarserKeypointsThatStillMatch()
    {
        var extractor = new LocalFeatureExtractor();
        var full = extractor.Extract(Scene(50), W, H, PixelFormat.Grey8);
        var step = LocalFeatures.VictimPositionStep * LocalFeatures.PositionScale;

        var minimal = full.Minimise(100, LocalFeatures.VictimPositionStep);
        var stored = LocalFeatures.FromBytes(minimal.ToBytes());

        Assert.Equal(100, stored.Count);
        Assert.Equal(full.Descriptors.AsSpan(0, 100).ToArray(), stored.Descriptors);
        Assert.All(stored.Positions, p => Assert.Equal(0, p % step));
        for (var i = 0; i < stored.Positions.Length; i++)
        {
            Assert.InRange(stored.Positions[i] - full.Positions[i], -step / 2, step / 2);
        }

        var index = new LocalFeatureIndex();
        index.Add(1, stored);
        index.Add(2, extractor.Extract(Scene(51), W, H, PixelFormat.Grey8).Minimise(100, LocalFeatures.VictimPositionStep));
        var (copy, w, h) = OffCentreCrop(Scene(50));
        var results = new List<LocalMatch>();
        index.Search(extractor.Extract(copy, w, h, PixelFormat.Grey8, LocalFeatureExtractor.MaxQueryFeatures), results);
        Assert.Equal(1, Assert.Single(results).ImageId);
    }
}
