namespace Haechi.Core.Forensics.Watermarks;

/// <summary>How closely a picture's decoded bits agree with one known payload.</summary>
/// <param name="Watermark">The payload compared with.</param>
/// <param name="Order">The channel order under which it was read.</param>
/// <param name="Agreeing">Payload bits that agree.</param>
/// <param name="Log10FalseMatchProbability">log10 P[B(n, ½) ≥ agreeing]: the chance of this much agreement without the watermark, for one comparison.</param>
/// <param name="DecodedBytes">The decoded payload as bytes (payload bits packed most significant first).</param>
public sealed record WatermarkComparison(KnownWatermark Watermark, WatermarkChannelOrder Order, int Agreeing, double Log10FalseMatchProbability, IReadOnlyList<byte> DecodedBytes)
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
                results.Add(new WatermarkComparison(known, order, agreeing, DwtDctWatermark.Log10FalseMatchProbability(agreeing, expected.Length), DwtDctWatermark.BytesOf(decoded)));
            }
        }

        results.Sort(static (a, b) => a.Log10FalseMatchProbability.CompareTo(b.Log10FalseMatchProbability));
        return results;
    }
}
