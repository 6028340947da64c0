namespace Haechi.Core.Forensics.Jpeg;

/// <summary>Evidence from one DCT frequency.</summary>
/// <param name="Row">Frequency row (v).</param>
/// <param name="Column">Frequency column (u).</param>
/// <param name="LastStep">The file's quantisation step at this frequency.</param>
/// <param name="PrimaryStep">The earlier step that best explains the empty bins.</param>
/// <param name="Ratio">Observed / expected mass in the bins the earlier step makes unreachable (near 0: double quantisation; near 1: none).</param>
/// <param name="Samples">Expected count in those bins under single compression (how much data backs the ratio).</param>
public sealed record DoubleQuantizationEvidence(int Row, int Column, int LastStep, int PrimaryStep, double Ratio, double Samples);

/// <summary>Aligned double-compression analysis of a JPEG's luminance.</summary>
/// <param name="Detected">True when at least <see cref="DoubleQuantizationDetector.MinPositions"/> frequencies show empty bins.</param>
/// <param name="Evidence">Per-frequency evidence, strongest first.</param>
/// <param name="PrimaryQuality">IJG quality whose table matches the estimated earlier steps, when one does.</param>
public sealed record DoubleQuantizationResult(bool Detected, IReadOnlyList<DoubleQuantizationEvidence> Evidence, int? PrimaryQuality);

/// <summary>
/// Detects aligned double JPEG compression where the first compression was coarser than the last
/// (q1 &gt; q2 at a frequency): re-quantising with q2 values that were already multiples of q1
/// leaves bins of the q2 histogram that no multiple of q1 reaches nearly empty (Lukáš and Fridrich
/// 2003; Popescu and Farid 2004). Reads the decoded luminance, not the entropy-coded data.
/// </summary>
/// <remarks>
/// For each of the first ten AC frequencies in zig-zag order with q2 ≥ 2: quantised values
/// k = round(DCT/q2) of the blocks on the (0, 0) grid are histogrammed by |k| (0..31). For each
/// candidate q1 in q2+1..8·q2, the bins b that no round(m·q1/q2) reaches are "unreachable"; the
/// ratio R = Σ h[b] / Σ (h[b−1] + h[b+1]) / 2 over unreachable b ≥ 2 is near 1 for a smooth single-compression histogram
/// and near 0 after double quantisation. A frequency counts as evidence when R &lt; 0.15 with at
/// least 40 expected samples. Limits: misses q1 ≤ q2 (the first save finer than the last) and
/// q1 a multiple-free match of q2; misaligned double compression is the grid detector's job.
/// </remarks>
public static class DoubleQuantizationDetector
{
    /// <summary>Frequencies that must agree for a detection.</summary>
    public const int MinPositions = 4;

    private const int MaxBin = 30;
    private const double RatioThreshold = 0.15;
    private const double MinSamples = 40;

    /// <summary>Analyses <paramref name="luma"/> given the file's luma table (64 steps, natural order).</summary>
    public static DoubleQuantizationResult Analyze(ReadOnlySpan<byte> luma, int width, int height, IReadOnlyList<ushort> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Count != 64)
        {
            ThrowHelper.ThrowArgument(nameof(table), "A quantisation table has 64 entries.");
        }

        var blocksX = width / 8;
        var blocksY = height / 8;
        var evidence = new List<DoubleQuantizationEvidence>();
        var histogram = new double[MaxBin + 2];
        Span<double> block = stackalloc double[64];
        var basis = Basis();
        for (var zz = 1; zz <= 10; zz++)
        {
            int position = ZigZag.ToNatural[zz], v = position / 8, u = position % 8;
            int q2 = table[position];
            if (q2 < 2)
            {
                continue;
            }

            Array.Clear(histogram);
            for (var by = 0; by < blocksY; by++)
            {
                for (var bx = 0; bx < blocksX; bx++)
                {
                    var sum = 0.0;
                    for (var j = 0; j < 8; j++)
                    {
                        var row = luma.Slice((((by * 8) + j) * width) + (bx * 8), 8);
                        var wv = basis[(v * 8) + j];
                        for (var i = 0; i < 8; i++)
                        {
                            sum += wv * basis[(u * 8) + i] * row[i];
                        }
                    }

                    var k = (int)Math.Abs(Math.Round(sum / q2, MidpointRounding.AwayFromZero));
                    if (k <= MaxBin + 1)
                    {
                        histogram[k]++;
                    }
                }
            }

            // Divisor-like candidates also leave the occupied bins reachable; the true step is the one
            // with ratio under the threshold that makes the most bins unreachable.
            DoubleQuantizationEvidence? best = null;
            var bestUnreachable = -1;
            for (var q1 = q2 + 1; q1 <= Math.Min(255, 8 * q2); q1++)
            {
                var reachable = new bool[MaxBin + 2];
                for (var m = 0; ; m++)
                {
                    var k = (int)Math.Round((double)m * q1 / q2, MidpointRounding.AwayFromZero);
                    if (k > MaxBin + 1)
                    {
                        break;
                    }

                    reachable[k] = true;
                }

                double observed = 0, expected = 0;
                var unreachable = 0;
                // Bin 1 is skipped: its neighbour, bin 0, is inflated by flat blocks and would make
                // any steep single-compression histogram look like it has a gap at 1.
                for (var b = 2; b <= MaxBin; b++)
                {
                    if (!reachable[b])
                    {
                        unreachable++;
                        observed += histogram[b];
                        expected += (histogram[b - 1] + histogram[b + 1]) / 2;
                    }
                }

                if (expected < MinSamples)
                {
                    continue;
                }

                var ratio = observed / expected;
                var candidate = new DoubleQuantizationEvidence(v, u, q2, q1, ratio, expected);
                if (ratio < RatioThreshold)
                {
                    if (unreachable > bestUnreachable || (unreachable == bestUnreachable && ratio < best!.Ratio))
                    {
                        best = candidate;
                        bestUnreachable = unreachable;
                    }
                }
                else if (bestUnreachable < 0 && (best is null || ratio < best.Ratio))
                {
                    best = candidate;
                }
            }

            if (best is not null && best.Ratio < RatioThreshold)
            {
                evidence.Add(best);
            }
        }

        evidence.Sort(static (a, b) => a.Ratio.CompareTo(b.Ratio));
        var detected = evidence.Count >= MinPositions;
        return new DoubleQuantizationResult(detected, evidence, detected ? PrimaryQuality(evidence) : null);
    }

    private static int? PrimaryQuality(List<DoubleQuantizationEvidence> evidence)
    {
        // The IJG rung that matches most estimated steps, if it matches at least 60 % of them.
        Span<ushort> rung = stackalloc ushort[64];
        int? best = null;
        var bestMatches = 0;
        for (var q = 1; q <= 100; q++)
        {
            JpegQualityEstimator.LadderTable(JpegQualityEstimator.StandardLuma, q, rung);
            var matches = 0;
            foreach (var e in evidence)
            {
                if (rung[(e.Row * 8) + e.Column] == e.PrimaryStep)
                {
                    matches++;
                }
            }

            if (matches > bestMatches)
            {
                bestMatches = matches;
                best = q;
            }
        }

        return bestMatches * 10 >= evidence.Count * 6 ? best : null;
    }

    private static double[] Basis()
    {
        var basis = new double[64];
        for (var u = 0; u < 8; u++)
        {
            for (var i = 0; i < 8; i++)
            {
                basis[(u * 8) + i] = (u == 0 ? Math.Sqrt(0.125) : 0.5) * Math.Cos(((2 * i) + 1) * u * Math.PI / 16);
            }
        }

        return basis;
    }
}
