using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust;

namespace Haechi.Core.Tests.Robust;

/// <summary>The views a victim's device sends (<see cref="VictimViews"/>), their names, and removal from the view index.</summary>
public sealed class VictimViewsTests
{
    private const int W = 360, H = 280;

    /// <summary>A photo-like RGB picture: smooth colour waves, a dozen flat discs and boxes, light grain (as Media's SyntheticImages).</summary>
    private static byte[] Picture(int seed)
    {
        var random = new Random(seed);
        var waves = new (double Fx, double Fy, double Phase)[9];
        for (var i = 0; i < waves.Length; i++)
        {
            waves[i] = ((random.NextDouble() * 6) + 0.5, (random.NextDouble() * 6) + 0.5, random.NextDouble() * Math.Tau);
        }

        var shapes = new (double X, double Y, double R, byte R8, byte G8, byte B8, bool Disc)[12];
        for (var i = 0; i < shapes.Length; i++)
        {
            shapes[i] = (random.NextDouble(), random.NextDouble(), (random.NextDouble() * 0.15) + 0.03, (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), random.Next(2) == 0);
        }

        var pixels = new byte[W * H * 3];
        for (var y = 0; y < H; y++)
        {
            var v = (double)y / H;
            for (var x = 0; x < W; x++)
            {
                var u = (double)x / W;
                var i = ((y * W) + x) * 3;
                for (var c = 0; c < 3; c++)
                {
                    var value = 128.0;
                    for (var k = 0; k < 3; k++)
                    {
                        var wave = waves[(c * 3) + k];
                        value += 30 * Math.Sin((wave.Fx * u * Math.Tau) + (wave.Fy * v * Math.Tau) + wave.Phase);
                    }

                    pixels[i + c] = (byte)Math.Clamp(value, 0, 255);
                }

                foreach (var shape in shapes)
                {
                    var (dx, dy) = (u - shape.X, v - shape.Y);
                    if (shape.Disc ? (dx * dx) + (dy * dy) < shape.R * shape.R : Math.Abs(dx) < shape.R && Math.Abs(dy) < shape.R * 0.6)
                    {
                        (pixels[i], pixels[i + 1], pixels[i + 2]) = (shape.R8, shape.G8, shape.B8);
                    }
                }

                var grain = random.Next(-4, 5);
                for (var c = 0; c < 3; c++)
                {
                    pixels[i + c] = (byte)Math.Clamp(pixels[i + c] + grain, 0, 255);
                }
            }
        }

        return pixels;
    }

    private static List<RobustView> Compute(byte[] pixels, int width = W, int height = H)
    {
        var views = new List<RobustView>();
        new VictimViewHasher().Compute(pixels, width, height, PixelFormat.Rgb24, views);
        return views;
    }

    [Fact]
    public void Compute_PlainPdqFirst_ThenRegistrationKindsOnce_CropLadderIncluded()
    {
        var pixels = Picture(3);
        var views = Compute(pixels);

        var (hash, quality) = new PdqHasher().Hash(pixels, W, H, PixelFormat.Rgb24);
        Assert.Equal(new RobustView(ViewKind.Whole, hash, quality), views[0]);
        var extra = views.Skip(1).ToList();
        Assert.All(extra, v => Assert.True(VictimViews.IsRegistrationKind(v.Kind), v.Kind.Name()));
        Assert.All(extra, v => Assert.True(v.Quality >= RobustViewHasher.MinViewQuality));
        Assert.Equal(extra.Count, extra.Select(v => v.Kind).Distinct().Count());
        Assert.InRange(extra.Count, 1, VictimViews.MaxViews);
        foreach (var kind in new[] { ViewKind.Crop2, ViewKind.Crop6, ViewKind.Crop10, ViewKind.Crop24, ViewKind.CutBottom10, ViewKind.CutTop10 })
        {
            Assert.Contains(extra, v => v.Kind == kind);
        }

        Assert.DoesNotContain(extra, v => v.Kind is ViewKind.FlipX or ViewKind.Rotate90 or ViewKind.StripTop);
    }

    [Fact]
    public void Compute_CentreCrop10_MatchedByTheRegisteredCrop_NotByThePlainPdq()
    {
        var pixels = Picture(5);
        var registered = Compute(pixels);
        int dx = 36, dy = 28, cw = W - (2 * dx), ch = H - (2 * dy);
        var crop = new byte[cw * ch * 3];
        for (var y = 0; y < ch; y++)
        {
            pixels.AsSpan((((y + dy) * W) + dx) * 3, cw * 3).CopyTo(crop.AsSpan(y * cw * 3));
        }

        var query = new List<RobustView>();
        new RobustViewHasher().ComputeQuery(crop, cw, ch, PixelFormat.Rgb24, VictimViews.Families, query);
        Assert.True(Hash256.Distance(query[0].Hash, registered[0].Hash) > RobustIndex.PdqRadius, "the plain PDQ misses a 10 % crop");

        var index = new RobustIndex();
        index.Add(1, [.. registered]);
        index.Add(2, [.. Compute(Picture(6))]);
        var found = new List<RobustMatch>();
        index.Search([.. query], found);
        var match = Assert.Single(found);
        Assert.Equal((1L, RobustSignal.Crops, ViewKind.Crop10), (match.ImageId, match.Signal, match.RegisteredView));
    }

    [Fact]
    public void RobustIndex_Remove_TakesEveryViewOfTheImageOut()
    {
        var a = Compute(Picture(7));
        var b = Compute(Picture(8));
        var index = new RobustIndex();
        index.Add(10, [.. a]);
        index.Add(20, [.. b]);
        Assert.Equal(a.Count + b.Count, index.ViewCount);

        Assert.Equal(a.Count, index.Remove(10));
        Assert.Equal(0, index.Remove(10));
        Assert.False(index.Contains(10));
        Assert.True(index.Contains(20));
        Assert.Equal(b.Count, index.ViewCount);
        var found = new List<RobustMatch>();
        foreach (var view in a)
        {
            index.Search([view], found);
        }

        Assert.DoesNotContain(found, m => m.ImageId == 10);
        index.Search([b[0]], found);
        Assert.Contains(found, m => m.ImageId == 20);
    }

    [Fact]
    public void TryParse_EveryName_RoundTrips_AndOtherTextIsRefused()
    {
        for (var i = 0; i < ViewKinds.Count; i++)
        {
            var kind = (ViewKind)i;
            Assert.True(ViewKinds.TryParse(kind.Name(), out var parsed));
            Assert.Equal(kind, parsed);
        }

        foreach (var text in new[] { null, "", "Crop10", "crop11", "crop", "14", "crop10 ", "cutbottom26", "striptopx" })
        {
            Assert.False(ViewKinds.TryParse(text, out _), text);
        }
    }

    [Fact]
    public void IsRegistrationKind_CanonicalCropsAndCutsOnly_MaxViewsCountsThem()
    {
        var kinds = Enumerable.Range(0, ViewKinds.Count).Select(k => (ViewKind)k).Where(VictimViews.IsRegistrationKind).ToList();
        Assert.Equal(VictimViews.MaxViews, kinds.Count);
        Assert.All(kinds, k => Assert.NotEqual(RobustSignal.Partial, ViewKinds.SignalOf(ViewKind.Whole, k)));
        Assert.All(kinds, k => Assert.NotEqual(RobustSignal.Dihedral, ViewKinds.SignalOf(ViewKind.Whole, k)));
        Assert.Contains(ViewKind.Trimmed, kinds);
        Assert.Contains(ViewKind.Photo, kinds);
        Assert.DoesNotContain(ViewKind.Whole, kinds);
    }
}
