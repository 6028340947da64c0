using Haechi.Core.Forensics.Sources;
using Haechi.Core.Signals;

namespace Haechi.Core.Tests.Forensics;

public sealed class ChangeMapTests
{
    [Fact]
    public void Compute_BrightenedCopyWithPastedBlock_FitsGainAndMarksOnlyTheBlock()
    {
        const int Width = 160, Height = 120;
        var original = Texture(Width, Height);
        var suspect = new byte[original.Length];
        for (var i = 0; i < original.Length; i++)
        {
            // The suspect is the original brightened (×0.9 + 20 on the original's scale): not a change.
            suspect[i] = (byte)Math.Clamp((int)Math.Round((original[i] - 20) / 0.9), 0, 255);
        }

        for (var y = 40; y < 72; y++)
        {
            for (var x = 96; x < 128; x++)
            {
                suspect[(y * Width) + x] = (byte)(255 - suspect[(y * Width) + x]);
            }
        }

        var covered = Enumerable.Repeat((byte)1, original.Length).ToArray();
        var change = ChangeMap.Compute(suspect, original, covered, Width, Height, 8);

        Assert.InRange(change.Gain, 0.85, 0.95);
        Assert.Equal((96, 40, 32, 32), change.ChangedBox);
        Assert.Equal(16, change.ChangedCells);
        Assert.Equal(300, change.ComparedCells);
        Assert.True(change.MedianDifference < 2);
        Assert.Equal(16, change.Changed.Count(c => c));
    }

    [Fact]
    public void Compute_LoneDifferentCell_NotCountedAsChanged()
    {
        var original = Texture(64, 64);
        var suspect = (byte[])original.Clone();
        for (var y = 24; y < 32; y++)
        {
            for (var x = 24; x < 32; x++)
            {
                suspect[(y * 64) + x] = (byte)(255 - suspect[(y * 64) + x]);
            }
        }

        var change = ChangeMap.Compute(suspect, original, Enumerable.Repeat((byte)1, original.Length).ToArray(), 64, 64, 8);
        Assert.True(change.Map.Values[(3 * 8) + 3] > change.Threshold);
        Assert.Equal(0, change.ChangedCells);
    }

    [Fact]
    public void Compute_IdenticalPictures_NothingChanged()
    {
        var original = Texture(64, 64);
        var change = ChangeMap.Compute(original, original, Enumerable.Repeat((byte)1, original.Length).ToArray(), 64, 64, 8);
        Assert.Equal(0, change.ChangedCells);
        Assert.Null(change.ChangedBox);
        Assert.Equal(ChangeMap.MinimumThreshold, change.Threshold);
    }

    [Fact]
    public void Compute_UncoveredCells_AreNaNAndNotCompared()
    {
        var original = Texture(64, 64);
        var covered = new byte[original.Length];
        covered.AsSpan(0, 32 * 64).Fill(1); // only the top half is covered
        var change = ChangeMap.Compute(original, original, covered, 64, 64, 8);
        Assert.Equal(32, change.ComparedCells);
        Assert.True(float.IsNaN(change.Map.Values[^1]));
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(31, 0.5)]
    [InlineData(62, 0.0)]
    [InlineData(100, 0.0)]
    public void FromPdqDistance_Scale(int distance, double expected) =>
        Assert.Equal(expected, MatchStrength.FromDistance(distance, SignalType.PdqThreshold), 3);

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.66, 0.5)]
    [InlineData(0.83, 0.75)]
    [InlineData(-1.0, 0.0)]
    public void FromSimilarity_Scale(double similarity, double expected) =>
        Assert.Equal(expected, MatchStrength.FromSimilarity(similarity, 0.66), 3);

    private static byte[] Texture(int width, int height)
    {
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = (byte)(60 + (60 * Math.Sin(x / 5.0)) + (50 * Math.Cos(y / 7.0)) + ((x * y) % 13));
            }
        }

        return pixels;
    }
}
