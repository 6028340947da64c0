namespace Haechi.Core.Forensics.Watermarks;

/// <summary>How closely a picture's decoded bits agree with one known payload.</summary>
/// <param name="Watermark">The payload compared with.</param>
/// <param name="Order">The channel order under which it was read.</param>
/// <param name="Agreeing">Payload bits that agree.</param>
/// <param name="Log10PayloadProbability">log10 P[B(n, ½) ≥ agreeing]: the chance that a decoded payload agrees this well by coin flips.</param>
/// <param name="DecodedBytes">The decoded payload as bytes (payload bits packed most significant first).</param>
/// <param name="BlockZ">Two-proportion z score over all blocks: how much more often blocks meant to carry 1 read 1 than blocks meant to carry 0.</param>
/// <param name="Log10FalseMatchProbability">log10 of the one-sided normal tail of <paramref name="BlockZ"/>: the chance of this contrast without the watermark, for one comparison.</param>
public sealed record WatermarkComparison(KnownWatermark Watermark, WatermarkChannelOrder Order, int Agreeing, double Log10PayloadProbability, IReadOnlyList<byte> DecodedBytes, double BlockZ, double Log10FalseMatchProbability)
{
    /// <summary>Payload length in bits.</summary>
    public int Length => Watermark.Bits.Count;
}

/// <summary>Decodes the <c>dwtDct</c> watermark under both channel orders and compares it with every known payload.</summary>
public static class WatermarkSearch
{
    /// <summary>Number of comparisons made per picture (payloads × channel orders), for a Bonferroni bound.</summary>
    public static int Comparisons => KnownWatermarks.All.Count * 2;

    /// <summary>All comparisons, most significant (lowest probability) first; empty when the picture is too small.</summary>
    public static IReadOnlyList<WatermarkComparison> Compare(ReadOnlySpan<byte> rgb, int width, int height)
    {
        var results = new List<WatermarkComparison>();
        foreach (var order in (ReadOnlySpan<WatermarkChannelOrder>)[WatermarkChannelOrder.Bgr, WatermarkChannelOrder.RgbAsBgr])
        {
            var blockBits = DwtDctWatermark.ReadBlockBits(rgb, width, height, order);
            foreach (var known in KnownWatermarks.All)
            {
                var expected = known.Bits as byte[] ?? [.. known.Bits];
                var decoded = DwtDctWatermark.Fold(blockBits, expected.Length);
                if (decoded.Length == 0)
                {
                    continue;
                }

                var agreeing = DwtDctWatermark.Agreement(decoded, expected);
                var z = BlockContrast(blockBits, expected);
                results.Add(new WatermarkComparison(
                    known,
                    order,
                    agreeing,
                    DwtDctWatermark.Log10FalseMatchProbability(agreeing, expected.Length),
                    DwtDctWatermark.BytesOf(decoded),
                    z,
                    Log10NormalUpperTail(z)));
            }
        }

        results.Sort(static (a, b) => a.Log10FalseMatchProbability.CompareTo(b.Log10FalseMatchProbability));
        return results;
    }

    /// <summary>
    /// The package's embedding is lossy: lowering the largest coefficient often lets another one become
    /// the largest, whose value reads as a biased bit, so decoded payloads come out with errors even from
    /// untouched files. Instead of assuming fair coins, compare the share of 1s read in blocks meant to carry
    /// 1 with the share in blocks meant to carry 0: without the watermark both come from the same picture
    /// statistics (z ≈ N(0, 1)); with it, the first share is higher.
    /// </summary>
    public static double BlockContrast(ReadOnlySpan<byte> blockBits, ReadOnlySpan<byte> payload)
    {
        long onesWhenOne = 0, countOne = 0, onesWhenZero = 0, countZero = 0;
        for (var k = 0; k < blockBits.Length; k++)
        {
            if (payload[k % payload.Length] == 1)
            {
                countOne++;
                onesWhenOne += blockBits[k];
            }
            else
            {
                countZero++;
                onesWhenZero += blockBits[k];
            }
        }

        if (countOne == 0 || countZero == 0)
        {
            return 0;
        }

        var pooled = (double)(onesWhenOne + onesWhenZero) / (countOne + countZero);
        var variance = pooled * (1 - pooled) * ((1.0 / countOne) + (1.0 / countZero));
        return variance <= 0 ? 0 : (((double)onesWhenOne / countOne) - ((double)onesWhenZero / countZero)) / Math.Sqrt(variance);
    }

    /// <summary>log10 P[N(0, 1) ≥ z], accurate in the far tail (Chebyshev erfc fit, relative error below 1.2·10⁻⁷).</summary>
    public static double Log10NormalUpperTail(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + (0.5 * x));
        var lnErfc = Math.Log(t) - (x * x) - 1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806 + (t * (0.27886807
            + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        var upper = Math.Log(0.5) + lnErfc;
        return (z >= 0 ? upper : Math.Log(1 - Math.Exp(upper))) / Math.Log(10);
    }
}
