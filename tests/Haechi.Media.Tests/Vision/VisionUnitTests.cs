using Haechi.Core.Faces;
using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;
using Haechi.Media.Vision;

namespace Haechi.Media.Tests.Vision;

public sealed class PixelSamplerTests
{
    [Fact]
    public void Sample_SameSize_CopiesPixelsNormalised()
    {
        byte[] rgb = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110];
        var image = new DecodedImage(rgb, 2, 2, PixelFormat.Rgb24, 2, 2, "memory");
        var output = new float[12];

        PixelSampler.Sample(image, 0, 0, 2, 2, output, 2, 2, 0.5f, -1);

        Assert.Equal(rgb.Select(v => (v * 0.5f) - 1).ToArray(), output);
    }

    [Fact]
    public void Sample_Grey_ExpandsToThreeChannels()
    {
        var image = new DecodedImage([7, 9], 2, 1, PixelFormat.Grey8, 2, 1, "memory");
        var output = new float[6];

        PixelSampler.Sample(image, 0, 0, 2, 1, output, 2, 1, 1, 0);

        Assert.Equal([7f, 7, 7, 9, 9, 9], output);
    }

    [Fact]
    public void Sample_FarOutsideImage_Black()
    {
        var image = new DecodedImage([200, 200, 200], 1, 1, PixelFormat.Rgb24, 1, 1, "memory");
        var output = new float[3];

        PixelSampler.Sample(image, 10, 10, 1, 1, output, 1, 1, 1 / 127.5f, -1);

        Assert.Equal([-1f, -1, -1], output);
    }

    [Fact]
    public void Sample_Downscale2x_AveragesNeighbours()
    {
        // 4×1 grey → 2×1: half-pixel centres land between pixel pairs.
        var image = new DecodedImage([0, 100, 200, 250], 4, 1, PixelFormat.Grey8, 4, 1, "memory");
        var output = new float[6];

        PixelSampler.Sample(image, 0, 0, 4, 1, output, 2, 1, 1, 0);

        Assert.Equal(50f, output[0]);
        Assert.Equal(225f, output[3]);
    }
}

public sealed class FaceDetectorGeometryTests
{
    private static DetectedFace Box(float x, float y, float size, float score) => new(x, y, size, size, score, new float[12]);

    [Fact]
    public void Iou_HalfOverlap_OneThird() => Assert.Equal(1f / 3, FaceDetector.Iou(Box(0, 0, 2, 1), Box(1, 0, 2, 1) with { Height = 2 }), 5);

    [Fact]
    public void Suppress_OverlappingBoxes_KeepsBestScore()
    {
        var kept = FaceDetector.Suppress([Box(0, 0, 10, 0.6f), Box(1, 1, 10, 0.9f), Box(50, 50, 10, 0.7f)], 0.1f);

        Assert.Equal([0.9f, 0.7f], kept.Select(f => f.Score));
    }

    [Theory]
    [InlineData(960, 640, 576)]
    [InlineData(4000, 3000, 2400)]
    [InlineData(700, 2000, 700)]
    public void TileOrigins_Tiles_CoverTheImage(int width, int height, int side)
    {
        var tiles = FaceDetector.TileOrigins(width, height, side);

        Assert.All(tiles, t => Assert.True(t.X >= 0 && t.Y >= 0 && t.X + side <= Math.Max(width, side) && t.Y + side <= Math.Max(height, side)));
        Assert.Contains(tiles, t => t.X + side >= width && t.Y + side >= height);
        Assert.Contains((0, 0), tiles);
    }
}

public sealed class FileFaceBankStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "haechi-faces-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void SaveLoad_Bank_RoundTrips()
    {
        var store = new FileFaceBankStore(_directory);
        var bank = new FaceBank("victims", "faceres:abc", 3);
        bank.Add("case-1", [1, 2, 3], 1000);
        bank.Add("사건-2", [0, 1, 0], 2000);

        store.Save(bank);
        var loaded = store.Load("victims")!;

        Assert.Equal(["victims"], store.List());
        Assert.Equal("faceres:abc", loaded.Model);
        Assert.Equal(bank.Entries.Select(e => (e.Id, e.Subject, e.EnrolledAtUnixMs)), loaded.Entries.Select(e => (e.Id, e.Subject, e.EnrolledAtUnixMs)));
        Assert.Equal(bank.Entries[0].Embedding, loaded.Entries[0].Embedding);
        Assert.Equal("사건-2", loaded.SubjectOf(loaded.Index.Best([0, 1, 0.1f])!.Value.Id));
        Assert.Null(store.Load("missing"));
    }

    [Fact]
    public void Load_FlippedByte_Refused()
    {
        var store = new FileFaceBankStore(_directory);
        var bank = new FaceBank("b", "m", 2);
        bank.Add("s", [1, 0], 0);
        store.Save(bank);
        var path = Path.Combine(_directory, "b.faces");
        var bytes = File.ReadAllBytes(path);
        bytes[30] ^= 1;
        File.WriteAllBytes(path, bytes);

        Assert.Throws<InvalidDataException>(() => store.Load("b"));
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("Upper")]
    [InlineData("")]
    [InlineData("a/b")]
    public void Load_BadName_Throws(string name) => Assert.Throws<ArgumentException>(() => new FileFaceBankStore(_directory).Load(name));
}

public sealed class VideoFrameAnalyzerTests
{
    [Theory]
    [InlineData(1920, 1080, 1280, 1280, 720)]
    [InlineData(1080, 1920, 1280, 720, 1280)]
    [InlineData(1280, 720, 1280, 0, 0)] // small enough: decoded size kept
    [InlineData(640, 480, 0, 0, 0)] // 0: never scaled
    [InlineData(4001, 3001, 1000, 1000, 750)] // even sides for the encoder-free RGB pipe
    public void ScaledSize_LongSideAboveLimit_ShrunkKeepingAspect(int width, int height, int maxSide, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), Haechi.Media.Vision.VideoFrameAnalyzer.ScaledSize(width, height, maxSide));
}
