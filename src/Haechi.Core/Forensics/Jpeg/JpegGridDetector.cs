namespace Haechi.Core.Forensics.Jpeg;

/// <summary>A region whose pixels vote for a JPEG grid other than the main one.</summary>
/// <param name="GridX">Grid origin x (0..7) the region votes for.</param>
/// <param name="GridY">Grid origin y (0..7).</param>
/// <param name="X">Bounding box left.</param>
/// <param name="Y">Bounding box top.</param>
/// <param name="Width">Bounding box width.</param>
/// <param name="Height">Bounding box height.</param>
/// <param name="Log10Nfa">log10 of the number of false alarms of its most significant window.</param>
public sealed record JpegGridRegion(int GridX, int GridY, int X, int Y, int Width, int Height, double Log10Nfa);

/// <summary>What the grid detector found.</summary>
public sealed class JpegGridResult
{
    internal JpegGridResult(int mainX, int mainY, double mainLog10Nfa, int[] votes, int voters, IReadOnlyList<JpegGridRegion> regions, byte[] mask, int maskWidth, int maskHeight)
    {
        MainGridX = mainX;
        MainGridY = mainY;
        MainLog10Nfa = mainLog10Nfa;
        Votes = votes;
        Voters = voters;
        Regions = regions;
        Mask = mask;
        MaskWidth = maskWidth;
        MaskHeight = maskHeight;
    }

    /// <summary>Most voted grid origin x (0..7).</summary>
    public int MainGridX { get; }

    /// <summary>Most voted grid origin y (0..7).</summary>
    public int MainGridY { get; }

    /// <summary>log10 NFA of the main grid; below 0 it is meaningful (a JPEG grid is present).</summary>
    public double MainLog10Nfa { get; }

    /// <summary>True when the main grid is meaningful (NFA &lt; 1).</summary>
    public bool HasMainGrid => MainLog10Nfa < 0;

    /// <summary>Votes per grid origin, index <c>8·y + x</c>.</summary>
    public IReadOnlyList<int> Votes { get; }

    /// <summary>Pixels that cast a vote (ties do not vote).</summary>
    public int Voters { get; }

    /// <summary>Meaningful regions voting for another grid (NFA &lt; 1), most significant first.</summary>
    public IReadOnlyList<JpegGridRegion> Regions { get; }

    /// <summary>Per-pixel vote map for display: 255 = main grid, 0 = no vote, 1..63 = other grid index + 1 (clamped), row-major.</summary>
    public IReadOnlyList<byte> Mask { get; }

    /// <summary>Width of <see cref="Mask"/>.</summary>
    public int MaskWidth { get; }

    /// <summary>Height of <see cref="Mask"/>.</summary>
    public int MaskHeight { get; }
}

/// <summary>
/// Local JPEG grid detection in the spirit of ZERO (Nikoukhah, Anger, Ehret, Colom, Morel,
/// Grompone von Gioi, "ZERO: a local JPEG grid origin detector based on the number of DCT zeros
/// and its applications in image forensics", IPOL 2021), written from the paper's description.
/// </summary>
/// <remarks>
/// <para>1. For every 8×8 block position of the luminance, count the DCT-II coefficients that
/// round to zero (|c| &lt; 0.5). JPEG zeroes many coefficients of blocks on its grid, so aligned
/// blocks hold far more zeros than misaligned ones.</para>
/// <para>2. Each pixel votes for the grid origin (x mod 8, y mod 8) of the one block, among the 64
/// that contain it, with the most zeros; ties (flat areas) do not vote.</para>
/// <para>3. A-contrario main grid: under the null hypothesis (no JPEG history) each vote falls on
/// one of 64 origins with probability 1/64. NFA = 64 · P[B(n, 1/64) ≥ k]. Votes of nearby pixels
/// are strongly dependent (they share blocks), so we count one effective vote per 64 (n/64, k/64,
/// rounded down): our conservative choice, not the paper's.</para>
/// <para>4. Local forgeries: in 32×32 windows (stride 16) the votes for each grid other than the
/// main one are tested the same way, with N_tests = windows × 63. Windows with NFA &lt; 1 are
/// merged (8-connected, per grid) into regions. Expected false detections per image are then
/// below one by construction; the measured rate on untouched images is in the tests.</para>
/// <para>Limits: needs a JPEG history (a never-compressed or strongly resized image has no grid);
/// a region pasted on the same grid alignment, or a final JPEG at lower quality, can hide the
/// splice; flat regions cast no votes.</para>
/// </remarks>
public static class JpegGridDetector
{
    /// <summary>Window side for local detection.</summary>
    public const int Window = 32;

    /// <summary>Window stride.</summary>
    public const int Stride = 16;

    private static readonly float[] Basis = BuildBasis();

    /// <summary>Runs the detector on 8-bit luminance (row-major, <paramref name="width"/> × <paramref name="height"/>).</summary>
    public static JpegGridResult Detect(ReadOnlySpan<byte> luma, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 16);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 16);
        if (luma.Length < (long)width * height)
        {
            ThrowHelper.ThrowArgument(nameof(luma), "The luminance plane is smaller than width × height.");
        }

        var zeros = CountZeros(luma, width, height);
        var votes = Vote(zeros, width, height);
        var counts = new int[64];
        var voters = 0;
        foreach (var v in votes)
        {
            if (v >= 0)
            {
                counts[v]++;
                voters++;
            }
        }

        var main = 0;
        for (var g = 1; g < 64; g++)
        {
            if (counts[g] > counts[main])
            {
                main = g;
            }
        }

        var mainNfa = Math.Log10(64) + Log10BinomialTail(voters / 64, counts[main] / 64, 1.0 / 64);
        var regions = mainNfa < 0 ? FindRegions(votes, width, height, main) : [];
        var mask = new byte[width * height];
        for (var i = 0; i < mask.Length; i++)
        {
            var v = votes[i];
            mask[i] = v < 0 ? (byte)0 : v == main ? (byte)255 : (byte)(v + 1);
        }

        return new JpegGridResult(main % 8, main / 8, mainNfa, counts, voters, regions, mask, width, height);
    }

    /// <summary>Zeros per block position (block top-left at x, y), for x ≤ width − 8, y ≤ height − 8.</summary>
    internal static byte[] CountZeros(ReadOnlySpan<byte> luma, int width, int height)
    {
        var bw = width - 7;
        var bh = height - 7;
        var zeros = new byte[bw * bh];
        // Row DCTs: rows[(y mod 8)][x][u] for the 8 image rows of the current block row.
        var rows = new float[8 * bw * 8];
        var basis = Basis;
        for (var y = 0; y < height; y++)
        {
            var ring = (y & 7) * bw * 8;
            var line = luma.Slice(y * width, width);
            for (var x = 0; x < bw; x++)
            {
                for (var u = 0; u < 8; u++)
                {
                    var sum = 0f;
                    for (var i = 0; i < 8; i++)
                    {
                        sum += basis[(u * 8) + i] * line[x + i];
                    }

                    rows[ring + (x * 8) + u] = sum;
                }
            }

            var top = y - 7;
            if (top < 0)
            {
                continue;
            }

            for (var x = 0; x < bw; x++)
            {
                var count = 0;
                for (var v = 0; v < 8; v++)
                {
                    for (var u = 0; u < 8; u++)
                    {
                        var sum = 0f;
                        for (var j = 0; j < 8; j++)
                        {
                            sum += basis[(v * 8) + j] * rows[(((top + j) & 7) * bw * 8) + (x * 8) + u];
                        }

                        if (MathF.Abs(sum) < 0.5f)
                        {
                            count++;
                        }
                    }
                }

                zeros[(top * bw) + x] = (byte)count;
            }
        }

        return zeros;
    }

    /// <summary>Per-pixel vote: grid index 8·gy + gx of the containing block with most zeros, or −1.</summary>
    internal static sbyte[] Vote(byte[] zeros, int width, int height)
    {
        var bw = width - 7;
        var bh = height - 7;
        var votes = new sbyte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var best = -1;
                var bestX = 0;
                var bestY = 0;
                var tie = false;
                for (var by = Math.Max(0, y - 7); by <= Math.Min(y, bh - 1); by++)
                {
                    var row = by * bw;
                    for (var bx = Math.Max(0, x - 7); bx <= Math.Min(x, bw - 1); bx++)
                    {
                        var z = zeros[row + bx];
                        if (z > best)
                        {
                            best = z;
                            bestX = bx;
                            bestY = by;
                            tie = false;
                        }
                        else if (z == best)
                        {
                            tie = true;
                        }
                    }
                }

                votes[(y * width) + x] = tie || best < 0 ? (sbyte)-1 : (sbyte)(((bestY & 7) * 8) + (bestX & 7));
            }
        }

        return votes;
    }

    private static List<JpegGridRegion> FindRegions(sbyte[] votes, int width, int height, int main)
    {
        var wx = ((width - Window) / Stride) + 1;
        var wy = ((height - Window) / Stride) + 1;
        if (wx <= 0 || wy <= 0)
        {
            return [];
        }

        var log10Tests = Math.Log10((double)wx * wy * 63);
        var significant = new double[wx * wy];
        var grid = new int[wx * wy];
        Span<int> counts = stackalloc int[64];
        for (var j = 0; j < wy; j++)
        {
            for (var i = 0; i < wx; i++)
            {
                counts.Clear();
                for (var y = j * Stride; y < (j * Stride) + Window; y++)
                {
                    var row = votes.AsSpan((y * width) + (i * Stride), Window);
                    foreach (var v in row)
                    {
                        if (v >= 0)
                        {
                            counts[v]++;
                        }
                    }
                }

                var best = main == 0 ? 1 : 0;
                for (var g = 0; g < 64; g++)
                {
                    if (g != main && counts[g] > counts[best])
                    {
                        best = g;
                    }
                }

                var nfa = log10Tests + Log10BinomialTail(Window * Window / 64, counts[best] / 64, 1.0 / 64);
                significant[(j * wx) + i] = nfa;
                grid[(j * wx) + i] = best;
            }
        }

        var regions = new List<JpegGridRegion>();
        var seen = new bool[wx * wy];
        var stack = new Stack<int>();
        for (var start = 0; start < seen.Length; start++)
        {
            if (seen[start] || significant[start] >= 0)
            {
                continue;
            }

            var g = grid[start];
            int minX = int.MaxValue, minY = int.MaxValue, maxX = 0, maxY = 0;
            var bestNfa = 0.0;
            stack.Push(start);
            seen[start] = true;
            while (stack.Count > 0)
            {
                var k = stack.Pop();
                int i = k % wx, j = k / wx;
                minX = Math.Min(minX, i);
                maxX = Math.Max(maxX, i);
                minY = Math.Min(minY, j);
                maxY = Math.Max(maxY, j);
                bestNfa = Math.Min(bestNfa, significant[k]);
                for (var dj = -1; dj <= 1; dj++)
                {
                    for (var di = -1; di <= 1; di++)
                    {
                        int ni = i + di, nj = j + dj;
                        if (ni < 0 || nj < 0 || ni >= wx || nj >= wy)
                        {
                            continue;
                        }

                        var n = (nj * wx) + ni;
                        if (!seen[n] && significant[n] < 0 && grid[n] == g)
                        {
                            seen[n] = true;
                            stack.Push(n);
                        }
                    }
                }
            }

            regions.Add(new JpegGridRegion(g % 8, g / 8, minX * Stride, minY * Stride, ((maxX - minX) * Stride) + Window, ((maxY - minY) * Stride) + Window, bestNfa));
        }

        regions.Sort(static (a, b) => a.Log10Nfa.CompareTo(b.Log10Nfa));
        return regions;
    }

    /// <summary>log10 P[B(n, p) ≥ k].</summary>
    public static double Log10BinomialTail(int n, int k, double p)
    {
        if (k <= 0)
        {
            return 0;
        }

        if (k > n)
        {
            return double.NegativeInfinity;
        }

        // Sum terms from k upward in log space; they fall fast once k > np.
        var logP = Math.Log(p);
        var logQ = Math.Log(1 - p);
        var logTerm = LogChoose(n, k) + (k * logP) + ((n - k) * logQ);
        var sum = 1.0;
        var ratio = 1.0;
        for (var i = k; i < n; i++)
        {
            ratio *= (double)(n - i) / (i + 1) * p / (1 - p);
            sum += ratio;
            if (ratio < sum * 1e-16)
            {
                break;
            }
        }

        return Math.Min(0, (logTerm + Math.Log(sum)) / Math.Log(10));
    }

    private static double LogChoose(int n, int k) => LogGamma(n + 1.0) - LogGamma(k + 1.0) - LogGamma(n - k + 1.0);

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13).</summary>
    internal static double LogGamma(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var a = c[0];
        var t = x + 7.5;
        for (var i = 1; i < 9; i++)
        {
            a += c[i] / (x + i);
        }

        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(a);
    }

    /// <summary>Orthonormal 8-point DCT-II basis, basis[u·8 + i].</summary>
    private static float[] BuildBasis()
    {
        var basis = new float[64];
        for (var u = 0; u < 8; u++)
        {
            var scale = u == 0 ? Math.Sqrt(1.0 / 8) : Math.Sqrt(2.0 / 8);
            for (var i = 0; i < 8; i++)
            {
                basis[(u * 8) + i] = (float)(scale * Math.Cos((2 * i + 1) * u * Math.PI / 16));
            }
        }

        return basis;
    }
}
