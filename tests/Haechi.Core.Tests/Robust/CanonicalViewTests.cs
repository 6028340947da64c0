using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust;
using Haechi.Core.Video;

namespace Haechi.Core.Tests.Robust;

public sealed class CanonicalViewTests
{
    /// <summary>An RGB picture with detail everywhere (seeded noise over gradients).</summary>
    private static byte[] Picture(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var v = (int)(128 + (90 * Math.Sin((x + seed) / 9.0) * Math.Cos(y / 13.0)));
                pixels[i] = (byte)Math.Clamp(v + random.Next(-40, 40), 0, 255);
                pixels[i + 1] = (byte)Math.Clamp(255 - v + random.Next(-40, 40), 0, 255);
                pixels[i + 2] = (byte)Math.Clamp((v / 2) + random.Next(-40, 40), 0, 255);
            }
        }

        return pixels;
    }

    private static byte[] Canvas(int width, int height, byte grey)
    {
        var canvas = new byte[width * height * 3];
        Array.Fill(canvas, grey);
        return canvas;
    }

    private static void Paste(byte[] canvas, int canvasWidth, byte[] picture, int width, int height, int left, int top)
    {
        for (var y = 0; y < height; y++)
        {
            picture.AsSpan(y * width * 3, width * 3).CopyTo(canvas.AsSpan((((top + y) * canvasWidth) + left) * 3));
        }
    }

    private static void Fill(byte[] canvas, int canvasWidth, int x0, int y0, int x1, int y1, byte grey)
    {
        for (var y = y0; y < y1; y++)
        {
            canvas.AsSpan((((y * canvasWidth) + x0) * 3), (x1 - x0) * 3).Fill(grey);
        }
    }

    [Fact]
    public void PhotoRegion_PhotoOnCanvasWithTextLines_FindsThePhoto()
    {
        var canvas = Canvas(400, 600, 240);
        Fill(canvas, 400, 0, 0, 400, 30, 40);
        for (var y = 50; y < 150; y += 20)
        {
            Fill(canvas, 400, 20, y, 300, y + 10, 90);
        }

        Paste(canvas, 400, Picture(240, 180, 1), 240, 180, 80, 200);
        for (var y = 420; y < 560; y += 20)
        {
            Fill(canvas, 400, 20, y, 360, y + 10, 90);
        }

        var region = PhotoRegion.Find(canvas, 400, 600, PixelFormat.Rgb24);

        Assert.Equal(new FrameRegion(80, 200, 240, 180), region);
    }

    [Fact]
    public void PhotoRegion_PhotoOnly_ReturnsTheWholeFrame()
    {
        var region = PhotoRegion.Find(Picture(200, 150, 2), 200, 150, PixelFormat.Rgb24);

        Assert.Equal(new FrameRegion(0, 0, 200, 150), region);
    }

    [Fact]
    public void PhotoRegion_FlatFrame_ReturnsTheWholeFrame()
    {
        var region = PhotoRegion.Find(Canvas(120, 90, 30), 120, 90, PixelFormat.Rgb24);

        Assert.Equal(new FrameRegion(0, 0, 120, 90), region);
    }

    [Fact]
    public void EdgeBands_CaptionBarWithSparseText_TrimsTheBar()
    {
        var image = Picture(300, 200, 3);
        Fill(image, 300, 0, 170, 300, 200, 15);
        for (var x = 10; x < 290; x += 12)
        {
            Fill(image, 300, x, 178, x + 2, 192, 250); // thin strokes: about a sixth of each row
        }

        var region = EdgeBands.Trim(image, 300, PixelFormat.Rgb24, new FrameRegion(0, 0, 300, 200));

        Assert.Equal(new FrameRegion(0, 0, 300, 170), region);
    }

    [Fact]
    public void EdgeBands_PhotoWithoutBands_KeepsEverything()
    {
        var region = EdgeBands.Trim(Picture(160, 120, 4), 160, PixelFormat.Rgb24, new FrameRegion(0, 0, 160, 120));

        Assert.Equal(new FrameRegion(0, 0, 160, 120), region);
    }

    [Fact]
    public void ComputeRegistration_AllFamilies_WholeViewIsThePlainPdqAndDihedralFollow()
    {
        var image = Picture(160, 120, 5);
        var views = new List<RobustView>();

        new RobustViewHasher().ComputeRegistration(image, 160, 120, PixelFormat.Rgb24, RobustFamilies.All, views);

        var plain = new PdqHasher().Hash(image, 160, 120, PixelFormat.Rgb24);
        Assert.Equal(ViewKind.Whole, views[0].Kind);
        Assert.Equal(plain.Hash, views[0].Hash);
        Assert.Equal(ViewKind.FlipMinus1, views[7].Kind);
        Assert.Contains(views, v => v.Kind == ViewKind.Crop10);
        Assert.Contains(views, v => v.Kind == ViewKind.CutBottom16);
        Assert.Contains(views, v => v.Kind == ViewKind.StripRight);
    }

    [Fact]
    public void ComputeQuery_NoFamilies_ReturnsOnlyThePlainPdq()
    {
        var image = Picture(100, 80, 6);
        var views = new List<RobustView>();

        new RobustViewHasher().ComputeQuery(image, 100, 80, PixelFormat.Rgb24, RobustFamilies.None, views);

        Assert.Equal(new PdqHasher().Hash(image, 100, 80, PixelFormat.Rgb24).Hash, Assert.Single(views).Hash);
    }

    [Fact]
    public void Search_BorderedCopy_MatchesThroughTheTrimmedView()
    {
        var picture = Picture(200, 150, 7);
        var bordered = Canvas(260, 210, 250);
        Paste(bordered, 260, picture, 200, 150, 30, 30);
        var hasher = new RobustViewHasher();
        var registered = new List<RobustView>();
        hasher.ComputeRegistration(picture, 200, 150, PixelFormat.Rgb24, RobustFamilies.All, registered);
        var query = new List<RobustView>();
        hasher.ComputeQuery(bordered, 260, 210, PixelFormat.Rgb24, RobustFamilies.All, query);
        var index = new RobustIndex();
        index.Add(5, registered.ToArray());

        var results = new List<RobustMatch>();
        index.Search(query.ToArray(), results);

        var match = Assert.Single(results);
        Assert.Equal((5L, RobustSignal.Canonical, 0), (match.ImageId, match.Signal, match.Distance));
    }

    [Theory]
    [InlineData(ViewKind.Whole, ViewKind.Whole, RobustSignal.Pdq)]
    [InlineData(ViewKind.Whole, ViewKind.FlipX, RobustSignal.Dihedral)]
    [InlineData(ViewKind.Photo, ViewKind.Whole, RobustSignal.Canonical)]
    [InlineData(ViewKind.Trimmed, ViewKind.Crop10, RobustSignal.Canonical)]
    [InlineData(ViewKind.Whole, ViewKind.CutTop4, RobustSignal.Crops)]
    [InlineData(ViewKind.StripTop, ViewKind.StripTop, RobustSignal.Partial)]
    public void SignalOf_ViewPair_NamesTheFamily(ViewKind query, ViewKind registered, RobustSignal expected)
    {
        Assert.Equal(expected, ViewKinds.SignalOf(query, registered));
    }

    [Theory]
    [InlineData(ViewKind.StripTop, ViewKind.StripBottom, false)]
    [InlineData(ViewKind.StripTop, ViewKind.Whole, false)]
    [InlineData(ViewKind.Whole, ViewKind.StripLeft, false)]
    [InlineData(ViewKind.StripLeft, ViewKind.StripLeft, true)]
    [InlineData(ViewKind.Photo, ViewKind.Crop24, true)]
    public void Comparable_ViewPair_OnlySameStripsPair(ViewKind query, ViewKind registered, bool expected)
    {
        Assert.Equal(expected, ViewKinds.Comparable(query, registered));
    }

    [Fact]
    public void Name_EveryViewKind_IsDistinctLowerCase()
    {
        var names = Enum.GetValues<ViewKind>().Select(k => k.Name()).ToList();

        Assert.Equal(ViewKinds.Count, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Equal(n.ToLowerInvariant(), n));
    }
}
