namespace Haechi.Core.Forensics.Jpeg;

/// <summary>How a file's quantisation tables compare with a known encoder's.</summary>
/// <param name="Encoder">The encoder family whose tables fit best.</param>
/// <param name="Quality">The quality setting on that encoder's ladder that fits best.</param>
/// <param name="ExactMatch">True when every entry matches the ladder at <paramref name="Quality"/>.</param>
/// <param name="MeanAbsoluteError">Mean absolute difference per entry at the best quality (0 when exact).</param>
public sealed record JpegQualityEstimate(string Encoder, int Quality, bool ExactMatch, double MeanAbsoluteError);

/// <summary>
/// Estimates JPEG quality by comparing the file's tables with the IJG (libjpeg, libjpeg-turbo,
/// libvips, ImageMagick, Pillow, GIMP defaults) quality ladder: the Annex K example tables scaled
/// by <c>q &lt; 50 ? 5000 / q : 200 - 2q</c> percent, rounded, clamped to 1..255.
/// </summary>
/// <remarks>
/// An exact match names the ladder, not the program: many programs share libjpeg. No match means
/// another encoder (cameras, phone apps, Photoshop keep their own tables); the nearest rung is
/// still a fair quality estimate. Documented in docs/forensics.md.
/// </remarks>
public static class JpegQualityEstimator
{
    /// <summary>The encoder family name of the IJG ladder.</summary>
    public const string IjgLadder = "IJG libjpeg quality ladder";

    /// <summary>ITU-T T.81 Annex K.1 luminance table, natural order.</summary>
    public static ReadOnlySpan<byte> StandardLuma =>
    [
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    ];

    /// <summary>ITU-T T.81 Annex K.2 chrominance table, natural order.</summary>
    public static ReadOnlySpan<byte> StandardChroma =>
    [
        17, 18, 24, 47, 99, 99, 99, 99,
        18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
    ];

    /// <summary>The IJG table for <paramref name="quality"/> (1..100), baseline-clamped to 1..255.</summary>
    public static void LadderTable(ReadOnlySpan<byte> standard, int quality, Span<ushort> output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        var scale = quality < 50 ? 5000 / quality : 200 - (quality * 2);
        for (var i = 0; i < 64; i++)
        {
            var value = ((standard[i] * scale) + 50) / 100;
            output[i] = (ushort)Math.Clamp(value, 1, 255);
        }
    }

    /// <summary>Best rung of the IJG ladder for the luma (and, when given, chroma) table.</summary>
    public static JpegQualityEstimate Estimate(IReadOnlyList<ushort> luma, IReadOnlyList<ushort>? chroma)
    {
        ArgumentNullException.ThrowIfNull(luma);
        Span<ushort> rung = stackalloc ushort[64];
        var bestQuality = 0;
        var bestError = long.MaxValue;
        for (var q = 1; q <= 100; q++)
        {
            long error = 0;
            LadderTable(StandardLuma, q, rung);
            for (var i = 0; i < 64; i++)
            {
                error += Math.Abs(luma[i] - rung[i]);
            }

            if (chroma is not null)
            {
                LadderTable(StandardChroma, q, rung);
                for (var i = 0; i < 64; i++)
                {
                    error += Math.Abs(chroma[i] - rung[i]);
                }
            }

            if (error < bestError)
            {
                bestError = error;
                bestQuality = q;
            }
        }

        var entries = chroma is null ? 64 : 128;
        return new JpegQualityEstimate(IjgLadder, bestQuality, bestError == 0, (double)bestError / entries);
    }
}
