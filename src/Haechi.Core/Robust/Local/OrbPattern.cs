namespace Haechi.Core.Robust.Local;

/// <summary>
/// The fixed sampling pattern of the 256-bit rotated-BRIEF descriptor: 256 point pairs inside a
/// circle of radius <see cref="Radius"/>, generated deterministically so that every build, server
/// and browser computes the same bits.
/// </summary>
/// <remarks>
/// Generation (documented, never change without a new signal version): a SplitMix64 generator seeded
/// with <see cref="Seed"/> gives uniform doubles (the top 53 bits); pairs of them become standard
/// normal numbers by Box-Muller; each coordinate is <c>σ · z</c> with σ = <see cref="Sigma"/> (the
/// BRIEF "G II" isotropic Gaussian, σ = patch/5 for a 31-pixel patch), rounded; a point outside the
/// circle, or a pair of two equal points, is drawn again. Pair i gives bit i: 1 when the smoothed
/// intensity at its first point is below that at its second, after rotating both points by the
/// keypoint's orientation.
/// </remarks>
public static class OrbPattern
{
    /// <summary>Seed of the pattern generator ("HaechiLF" in ASCII).</summary>
    public const ulong Seed = 0x4861656368694C46;

    /// <summary>Radius of the sampling circle in pixels of the pyramid level.</summary>
    public const int Radius = 13;

    /// <summary>Standard deviation of the sampling Gaussian.</summary>
    public const double Sigma = 31.0 / 5.0;

    /// <summary>Number of point pairs (descriptor bits).</summary>
    public const int Pairs = 256;

    private static readonly sbyte[] Points = Generate();

    /// <summary>The pattern as x1, y1, x2, y2 per pair (1,024 values).</summary>
    public static ReadOnlySpan<sbyte> Coordinates => Points;

    private static sbyte[] Generate()
    {
        var points = new sbyte[Pairs * 4];
        var state = Seed;
        var i = 0;
        while (i < Pairs)
        {
            var (x1, y1) = NextPoint(ref state);
            var (x2, y2) = NextPoint(ref state);
            if (x1 == x2 && y1 == y2)
            {
                continue;
            }

            points[(i * 4) + 0] = (sbyte)x1;
            points[(i * 4) + 1] = (sbyte)y1;
            points[(i * 4) + 2] = (sbyte)x2;
            points[(i * 4) + 3] = (sbyte)y2;
            i++;
        }

        return points;
    }

    private static (int X, int Y) NextPoint(ref ulong state)
    {
        while (true)
        {
            var u1 = NextDouble(ref state);
            var u2 = NextDouble(ref state);
            var r = Math.Sqrt(-2.0 * Math.Log(1.0 - u1));
            var x = (int)Math.Round(Sigma * r * Math.Cos(2 * Math.PI * u2));
            var y = (int)Math.Round(Sigma * r * Math.Sin(2 * Math.PI * u2));
            if ((x * x) + (y * y) <= Radius * Radius)
            {
                return (x, y);
            }
        }
    }

    /// <summary>SplitMix64 step (Steele, Lea, Flood 2014), as a double in [0, 1).</summary>
    internal static double NextDouble(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
