using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust.Local;

namespace Haechi.Core.Tests.Robust.Local;

public sealed class LocalFeatureTests
{
    /// <summary>A grey scene of seeded overlapping rectangles and discs with mild noise (corners everywhere).</summary>
    private static byte[] Scene(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height];
        Array.Fill(pixels, (byte)random.Next(60, 200));
        for (var s = 0; s < 60; s++)
        {
            var cx = random.Next(width);
            var cy = random.Next(height);
            var rw = random.Next(8, width / 6);
            var rh = random.Next(8, height / 6);
            var value = (byte)random.Next(256);
            var disc = random.Next(2) == 0;
            for (var y = Math.Max(0, cy - rh); y < Math.Min(height, cy + rh); y++)
            {
                for (var x = Math.Max(0, cx - rw); x < Math.Min(width, cx + rw); x++)
                {
                    var dx = (x - cx) / (double)rw;
                    var dy = (y - cy) / (double)rh;
                    if (!disc || (dx * dx) + (dy * dy) <= 1)
                    {
                        pixels[(y * width) + x] = value;
                    }
                }
            }
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(pixels[i] + random.Next(-3, 4), 0, 255);
        }

        return pixels;
    }

    private static byte[] Crop(byte[] pixels, int width, int x0, int y0, int w, int h)
    {
        var output = new byte[w * h];
        for (var y = 0; y < h; y++)
        {
            pixels.AsSpan(((y0 + y) * width) + x0, w).CopyTo(output.AsSpan(y * w, w));
        }

        return output;
    }

    /// <summary>90° clockwise.</summary>
    private static byte[] Rotate90(byte[] pixels, int width, int height)
    {
        var output = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                output[(x * height) + (height - 1 - y)] = pixels[(y * width) + x];
            }
        }

        return output;
    }

    /// <summary>A square block of the sticker's value over the centre (an occluder).</summary>
    private static byte[] Occlude(byte[] pixels, int width, int height, double areaFraction)
    {
        var output = (byte[])pixels.Clone();
        var side = (int)Math.Sqrt(areaFraction * width * height);
        for (var y = (height - side) / 2; y < (height + side) / 2; y++)
        {
            output.AsSpan((y * width) + ((width - side) / 2), side).Fill(250);
        }

        return output;
    }

    [Fact]
    public void Pattern_Generated_Has256DistinctPairsInsideTheCircle()
    {
        var points = OrbPattern.Coordinates;

        Assert.Equal(OrbPattern.Pairs * 4, points.Length);
        var pairs = new HashSet<(int, int, int, int)>();
        for (var i = 0; i < OrbPattern.Pairs; i++)
        {
            var (x1, y1, x2, y2) = (points[i * 4], points[(i * 4) + 1], points[(i * 4) + 2], points[(i * 4) + 3]);
            Assert.InRange((x1 * x1) + (y1 * y1), 0, OrbPattern.Radius * OrbPattern.Radius);
            Assert.InRange((x2 * x2) + (y2 * y2), 0, OrbPattern.Radius * OrbPattern.Radius);
            Assert.False(x1 == x2 && y1 == y2);
            pairs.Add((x1, y1, x2, y2));
        }

        // A Gaussian of σ ≈ 6.2 clipped at 13: most pairs differ, the spread is neither tiny nor uniform.
        Assert.InRange(pairs.Count, 250, 256);
        var sumSquares = 0.0;
        foreach (var v in points)
        {
            sumSquares += v * v;
        }

        Assert.InRange(Math.Sqrt(sumSquares / points.Length), 4.5, 7.0);
    }

    [Fact]
    public void Extract_SameImageTwice_SameFeaturesWithinTheStorageBound()
    {
        var scene = Scene(640, 480, 1);
        var extractor = new LocalFeatureExtractor();

        var a = extractor.Extract(scene, 640, 480, PixelFormat.Grey8);
        var b = new LocalFeatureExtractor().Extract(scene, 640, 480, PixelFormat.Grey8);

        Assert.InRange(a.Count, 100, LocalFeatureExtractor.MaxRegisteredFeatures);
        Assert.Equal(a.Descriptors, b.Descriptors);
        Assert.Equal(a.Positions, b.Positions);
        Assert.InRange(a.ByteCount, 1, 8 * 1024);
    }

    [Fact]
    public void Extract_FlatImage_NoFeatures()
    {
        var flat = new byte[320 * 240];
        Array.Fill(flat, (byte)128);

        Assert.Equal(0, new LocalFeatureExtractor().Extract(flat, 320, 240, PixelFormat.Grey8).Count);
    }

    [Fact]
    public void FromBytes_ToBytes_RoundTrips()
    {
        var features = new LocalFeatureExtractor().Extract(Scene(400, 300, 2), 400, 300, PixelFormat.Grey8);

        var bytes = features.ToBytes();
        var back = LocalFeatures.FromBytes(bytes);

        Assert.Equal(features.Count * LocalFeatures.BytesPerFeature, bytes.Length);
        Assert.Equal(features.Descriptors, back.Descriptors);
        Assert.Equal(features.Positions, back.Positions);
        Assert.Throws<ArgumentException>(() => LocalFeatures.FromBytes(new byte[35]));
    }

    public static TheoryData<string> Edits => ["crop-asymmetric", "crop-20", "rotate-90", "occluded", "half-size"];

    [Theory]
    [MemberData(nameof(Edits))]
    public void Search_EditedCopy_FindsTheOriginalWithInliers(string edit)
    {
        const int W = 640, H = 480;
        var extractor = new LocalFeatureExtractor();
        var index = new LocalFeatureIndex();
        for (var i = 0; i < 5; i++)
        {
            index.Add(100 + i, extractor.Extract(Scene(W, H, 10 + i), W, H, PixelFormat.Grey8));
        }

        var original = Scene(W, H, 12);
        var (copy, w, h) = edit switch
        {
            "crop-asymmetric" => (Crop(original, W, 64, 10, 480, 340), 480, 340), // 10 % left, 15 % right, 2 % top, 27 % bottom
            "crop-20" => (Crop(original, W, 128, 96, 384, 288), 384, 288),
            "rotate-90" => (Rotate90(original, W, H), H, W),
            "occluded" => (Occlude(original, W, H, 0.10), W, H),
            _ => (Crop(Scene(W, H, 12), W, 0, 0, W, H), W, H),
        };
        if (edit == "half-size")
        {
            var half = new byte[(W / 2) * (H / 2)];
            for (var y = 0; y < H / 2; y++)
            {
                for (var x = 0; x < W / 2; x++)
                {
                    half[(y * W / 2) + x] = (byte)((copy[(2 * y * W) + (2 * x)] + copy[(2 * y * W) + (2 * x) + 1] + copy[(((2 * y) + 1) * W) + (2 * x)] + copy[(((2 * y) + 1) * W) + (2 * x) + 1] + 2) / 4);
                }
            }

            (copy, w, h) = (half, W / 2, H / 2);
        }

        var results = new List<LocalMatch>();
        index.Search(extractor.Extract(copy, w, h, PixelFormat.Grey8, LocalFeatureExtractor.MaxQueryFeatures), results);

        var match = Assert.Single(results);
        Assert.Equal(102, match.ImageId);
        Assert.InRange(match.Inliers, LocalFeatureIndex.MinInliers, match.Correspondences);
        Assert.True(match.Log10Nfa <= LocalFeatureIndex.MaxLog10Nfa);
    }

    [Fact]
    public void Search_UnrelatedScenes_MatchNothing()
    {
        const int W = 640, H = 480;
        var extractor = new LocalFeatureExtractor();
        var index = new LocalFeatureIndex();
        for (var i = 0; i < 5; i++)
        {
            index.Add(i, extractor.Extract(Scene(W, H, 10 + i), W, H, PixelFormat.Grey8));
        }

        var results = new List<LocalMatch>();
        for (var seed = 50; seed < 58; seed++)
        {
            index.Search(extractor.Extract(Scene(W, H, seed), W, H, PixelFormat.Grey8, LocalFeatureExtractor.MaxQueryFeatures), results);
        }

        Assert.Empty(results);
    }

    [Fact]
    public void Search_RandomDescriptorsAtRandomPositions_MatchNothing()
    {
        // The a-contrario control: codes that share bits with a registered image by construction (each
        // within ~20 bits of one of its descriptors, so they are correspondences) but at random positions
        // must not produce a geometrically confirmed match.
        var registered = new LocalFeatureExtractor().Extract(Scene(640, 480, 3), 640, 480, PixelFormat.Grey8);
        var index = new LocalFeatureIndex();
        index.Add(1, registered);
        var random = new Random(7);
        var descriptors = new Hash256[registered.Count];
        var positions = new ushort[registered.Count * 2];
        Span<ulong> words = stackalloc ulong[4];
        for (var i = 0; i < descriptors.Length; i++)
        {
            registered.Descriptors[i].CopyTo(words);
            words[random.Next(4)] ^= 1UL << random.Next(64);
            descriptors[i] = new Hash256(words);
            positions[i * 2] = (ushort)random.Next(480 * LocalFeatures.PositionScale);
            positions[(i * 2) + 1] = (ushort)random.Next(360 * LocalFeatures.PositionScale);
        }

        var results = new List<LocalMatch>();
        index.Search(new LocalFeatures(descriptors, positions), results);
        index.Search(new LocalFeatures(descriptors, registered.Positions), results);

        // Only the second query (same codes at the registered positions) is a match.
        var match = Assert.Single(results);
        Assert.Equal(1, match.ImageId);
    }

    [Theory]
    [InlineData(10, 3, 0.2)]
    [InlineData(40, 12, 0.01)]
    [InlineData(200, 10, 0.0005)]
    [InlineData(5, 0, 0.5)]
    public void Log10BinomialTail_SmallCases_MatchesTheDirectSum(int n, int k, double p)
    {
        var direct = 0.0;
        for (var i = k; i <= n; i++)
        {
            var c = 1.0;
            for (var j = 1; j <= i; j++)
            {
                c *= (double)(n - i + j) / j;
            }

            direct += c * Math.Pow(p, i) * Math.Pow(1 - p, n - i);
        }

        Assert.Equal(Math.Log10(direct), LocalFeatureIndex.Log10BinomialTail(n, k, p), 6);
    }
}
