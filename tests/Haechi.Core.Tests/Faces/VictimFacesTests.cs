using Haechi.Core.Faces;
using Haechi.Core.Review;

namespace Haechi.Core.Tests.Faces;

/// <summary>The victim's face signal (what her device sends) and the shared face arithmetic the browser and the server both run.</summary>
public sealed class VictimFacesTests
{
    [Fact]
    public void TryParse_EncodedVector_UnitLengthSameDirection()
    {
        var vector = Enumerable.Range(0, 1024).Select(i => (float)Math.Sin(i)).ToArray();

        var parsed = VictimFaces.TryParse(VictimFaces.Encode(vector), out var problem);

        Assert.Null(problem);
        Assert.NotNull(parsed);
        Assert.Equal(1, System.Numerics.Tensors.TensorPrimitives.Norm(parsed), 4);
        Assert.Equal(1, System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(parsed, vector), 4);
    }

    [Theory]
    [InlineData(1023)]
    [InlineData(1025)]
    public void TryParse_WrongLength_Refused(int values)
    {
        Assert.Null(VictimFaces.TryParse(VictimFaces.Encode(new float[values].Select(_ => 1f).ToArray()), out var problem));
        Assert.Contains("1024", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ZerosOrNaN_Refused()
    {
        Assert.Null(VictimFaces.TryParse(VictimFaces.Encode(new float[1024]), out var zeros));
        Assert.Contains("zeros", zeros, StringComparison.Ordinal);
        var nan = Enumerable.Repeat(1f, 1024).ToArray();
        nan[3] = float.NaN;
        Assert.Null(VictimFaces.TryParse(VictimFaces.Encode(nan), out var notFinite));
        Assert.Contains("finite", notFinite, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_RgbaAndRgb_SameModelInput()
    {
        const int W = 37, H = 23;
        var random = new Random(5);
        var rgb = new byte[W * H * 3];
        random.NextBytes(rgb);
        var rgba = new byte[W * H * 4];
        for (var i = 0; i < W * H; i++)
        {
            rgb.AsSpan(i * 3, 3).CopyTo(rgba.AsSpan(i * 4, 3));
            rgba[(i * 4) + 3] = (byte)random.Next(256);
        }

        var a = new float[16 * 16 * 3];
        var b = new float[16 * 16 * 3];
        FaceGeometry.Sample(rgb, W, H, 3, 2.5f, -1, 30, 20, a, 16, 16, FaceGeometry.DetectorScale, FaceGeometry.DetectorOffset);
        FaceGeometry.Sample(rgba, W, H, 4, 2.5f, -1, 30, 20, b, 16, 16, FaceGeometry.DetectorScale, FaceGeometry.DetectorOffset);

        Assert.Equal(a, b);
    }

    [Fact]
    public void EmbeddingCrop_BoxTimes14Squared_AroundItsCentre()
    {
        var (x, y, w, h) = FaceGeometry.EmbeddingCrop(new FaceBox(100, 200, 80, 100, 0.9f, new float[12]), 0.5f, 0.5f);

        Assert.Equal((140 * 0.5f) - (70 * 0.5f), x, 3);
        Assert.Equal((250 * 0.5f) - (70 * 0.5f), y, 3);
        Assert.Equal(70, w, 3);
        Assert.Equal(70, h, 3);
    }

    [Fact]
    public void ComputeVictimFace_TopTier_AboveEveryOtherSignal()
    {
        var lowest = ReviewPriority.ComputeVictimFace(0, 0);
        Assert.True(lowest >= 0.75);
        Assert.True(lowest > ReviewPriority.Compute(MatchSignal.Pdq, 1, 1));
        Assert.True(ReviewPriority.ComputeVictimFace(1, 1) < 1);
    }
}
