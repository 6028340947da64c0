namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// PDQ's quality score: the sum of truncated, scaled gradients between neighbouring pixels of the
/// 64×64 downsample, divided by 90 and capped at 100. Flat images score near 0.
/// </summary>
public static class PdqQuality
{
    /// <summary>PDQ's advice: hashes with quality below this are too weak to match on.</summary>
    public const int DefaultMinimum = 50;

    /// <summary>Computes the score of a 64×64 block.</summary>
    public static int Compute(ReadOnlySpan<float> block64x64)
    {
        const int Size = 64;
        if (block64x64.Length < Size * Size)
        {
            ThrowHelper.ThrowArgument(nameof(block64x64), "PDQ's quality is computed on a 64×64 block.");
        }

        var gradientSum = 0;
        for (var i = 0; i < Size - 1; i++)
        {
            var row = block64x64.Slice(i * Size, Size);
            var next = block64x64.Slice((i + 1) * Size, Size);
            for (var j = 0; j < Size; j++)
            {
                gradientSum += Math.Abs((int)((row[j] - next[j]) * 100f / 255f));
            }
        }

        for (var i = 0; i < Size; i++)
        {
            var row = block64x64.Slice(i * Size, Size);
            for (var j = 0; j < Size - 1; j++)
            {
                gradientSum += Math.Abs((int)((row[j] - row[j + 1]) * 100f / 255f));
            }
        }

        return Math.Min(gradientSum / 90, 100);
    }
}
