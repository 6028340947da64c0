using Haechi.Core.Faces;

namespace Haechi.Core.Tests.Faces;

/// <summary>The age head's decoding (as @vladmandic/human decodes it) and the possible-minor rule, on crafted 100-bin vectors.</summary>
public sealed class FaceAgeTests
{
    [Fact]
    public void Decode_PeakWithLargerUpperNeighbour_MovesUpByTenTimesIt()
    {
        var bins = Bins((29, 0.80f), (28, 0.05f), (30, 0.15f));

        Assert.Equal(30.5, FaceAge.Decode(bins));
    }

    [Fact]
    public void Decode_PeakWithLargerLowerNeighbour_MovesDownByTenTimesIt()
    {
        var bins = Bins((23, 0.90f), (22, 0.06f), (24, 0.04f));

        Assert.Equal(22.4, FaceAge.Decode(bins));
    }

    [Fact]
    public void Decode_PeakAtEitherEnd_UsesItsOnlyNeighbour()
    {
        Assert.Equal(0.2, FaceAge.Decode(Bins((0, 0.98f), (1, 0.02f))));
        Assert.Equal(97.7, FaceAge.Decode(Bins((99, 0.87f), (98, 0.13f))));
    }

    [Fact]
    public void Decode_WrongLength_Refused()
    {
        Assert.Throws<ArgumentException>(() => FaceAge.Decode(new float[99]));
    }

    [Theory]
    [InlineData(12.0, true)]
    [InlineData(17.4, true)]
    [InlineData(19.9, true)]
    [InlineData(20.0, false)]
    [InlineData(23.4, false)]
    [InlineData(double.NaN, false)]
    public void MayShowMinor_UnderThreshold_Flagged(double age, bool flagged)
    {
        Assert.Equal(flagged, FaceAge.MayShowMinor(age));
    }

    [Fact]
    public void MayShowMinor_NoFace_NotFlagged()
    {
        Assert.False(FaceAge.MayShowMinor(null));
    }

    [Fact]
    public void Youngest_SeveralFaces_SmallestIgnoringNaN()
    {
        Assert.Equal(16.4, FaceAge.Youngest([29.4, double.NaN, 16.4, 23.4]));
        Assert.Null(FaceAge.Youngest([]));
    }

    private static float[] Bins(params (int Bin, float Probability)[] values)
    {
        var bins = new float[FaceAge.Bins];
        foreach (var (bin, probability) in values)
        {
            bins[bin] = probability;
        }

        return bins;
    }
}
