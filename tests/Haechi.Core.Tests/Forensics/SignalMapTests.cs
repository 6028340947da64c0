using Haechi.Core.Forensics.Maps;

namespace Haechi.Core.Tests.Forensics;

public sealed class SignalMapTests
{
    /// <summary>Flat grey with seeded Gaussian-like noise of σ = 8 in the right half only.</summary>
    private static byte[] HalfNoisy(int width, int height)
    {
        var random = new Random(5);
        var luma = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var noise = x >= width / 2 ? 8 * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2 : 0;
                luma[(y * width) + x] = (byte)Math.Clamp(128 + noise, 0, 255);
            }
        }

        return luma;
    }

    [Fact]
    public void NoiseLevelMap_NoisyHalf_ReadsHighOnlyThere()
    {
        var map = NoiseLevelMap.Compute(HalfNoisy(128, 64), 128, 64, 32);
        Assert.Equal(4, map.Columns);
        Assert.Equal(2, map.Rows);
        for (var row = 0; row < 2; row++)
        {
            Assert.Equal(0f, map.Values[row * 4]);
            Assert.Equal(0f, map.Values[(row * 4) + 1]);
            Assert.InRange(map.Values[(row * 4) + 2], 4f, 14f);
            Assert.InRange(map.Values[(row * 4) + 3], 4f, 14f);
        }
    }

    [Fact]
    public void ErrorLevelMap_DifferenceInOneCell_OnlyThatCell()
    {
        var a = new byte[32 * 16 * 3];
        var b = (byte[])a.Clone();
        for (var y = 0; y < 16; y++)
        {
            for (var x = 16; x < 32; x++)
            {
                b[(((y * 32) + x) * 3) + 1] = 30;
            }
        }

        var map = ErrorLevelMap.Compute(a, b, 32, 16, 3, 16);
        Assert.Equal([0f, 10f], map.Values);
    }

    [Theory]
    [InlineData(640, 480, 16, 64, 16)]
    [InlineData(4000, 3000, 16, 64, 64)]
    [InlineData(4100, 100, 32, 64, 72)]
    public void CellSizeFor_KeepsAtMostMaxCellsAndMultipleOf8(int width, int height, int minimum, int maxCells, int expected)
    {
        var size = SignalMap.CellSizeFor(width, height, minimum, maxCells);
        Assert.Equal(expected, size);
        Assert.True(Math.Max(width, height) / size <= maxCells);
    }
}
