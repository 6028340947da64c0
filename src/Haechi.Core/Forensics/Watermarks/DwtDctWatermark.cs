namespace Haechi.Core.Forensics.Watermarks;

/// <summary>How the embedding software handed the pixels to the watermark encoder.</summary>
public enum WatermarkChannelOrder
{
    /// <summary>Pixels passed as BGR, as OpenCV expects (Stable Diffusion 1/2 scripts, Stability's generative-models).</summary>
    Bgr = 0,

    /// <summary>RGB pixels passed where BGR was expected (the U channel then carries red; seen in some pipelines).</summary>
    RgbAsBgr = 1,
}

/// <summary>
/// Reader for the <c>dwtDct</c> invisible watermark of the <c>invisible-watermark</c> Python package
/// (ShieldMnt, version 0.2), which the Stable Diffusion reference scripts and SDXL pipelines embed.
/// The package converts BGR to YUV (OpenCV, 8-bit), takes a one-level Haar DWT of the U channel
/// (the Y channel has scale 0 and is skipped), cuts the approximation band into 4×4 blocks (row-major),
/// and in each block quantises the largest-magnitude coefficient except the first with step 36:
/// |c| becomes (⌊|c|/36⌋ + 0.25 + 0.5·bit)·36. Block k carries payload bit k mod n. Decoding reads bit 1
/// when |c| mod 36 &gt; 18 and averages each payload bit over its blocks (mean·255 &gt; 127).
/// Despite the method's name, version 0.2 applies no DCT to the blocks: the quantised value is the
/// Haar coefficient itself, and so is the one read here.
/// </summary>
public static class DwtDctWatermark
{
    /// <summary>Quantisation step of the package's default U-channel scale.</summary>
    public const double Scale = 36;

    /// <summary>Block side in the approximation band.</summary>
    public const int BlockSide = 4;

    /// <summary>The package refuses images with fewer pixels than 256×256.</summary>
    public const int MinPixels = 256 * 256;

    /// <summary>
    /// Reads one raw bit per 4×4 block of the U channel's Haar approximation band, in embedding order.
    /// </summary>
    /// <param name="rgb">Interleaved 8-bit RGB rows, <paramref name="width"/> × <paramref name="height"/> × 3.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="order">Which channel order the embedder saw.</param>
    /// <returns>One byte (0 or 1) per block; empty when the picture is smaller than the package accepts.</returns>
    public static byte[] ReadBlockBits(ReadOnlySpan<byte> rgb, int width, int height, WatermarkChannelOrder order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if ((long)width * height * 3 > rgb.Length)
        {
            ThrowHelper.ThrowArgument(nameof(rgb), "The pixel buffer is smaller than width × height × 3.");
        }

        if ((long)width * height < MinPixels)
        {
            return [];
        }

        var bandWidth = width / 4 * 4 / 2;
        var bandHeight = height / 4 * 4 / 2;
        var blocksX = bandWidth / BlockSide;
        var blocksY = bandHeight / BlockSide;
        var bits = new byte[blocksX * blocksY];
        Span<double> block = stackalloc double[BlockSide * BlockSide];
        var blueOffset = order == WatermarkChannelOrder.Bgr ? 2 : 0;
        var redOffset = 2 - blueOffset;
        for (var by = 0; by < blocksY; by++)
        {
            for (var bx = 0; bx < blocksX; bx++)
            {
                for (var i = 0; i < BlockSide; i++)
                {
                    var y0 = 2 * ((by * BlockSide) + i);
                    for (var j = 0; j < BlockSide; j++)
                    {
                        var x0 = 2 * ((bx * BlockSide) + j);
                        var sum = U(rgb, width, x0, y0, blueOffset, redOffset) + U(rgb, width, x0 + 1, y0, blueOffset, redOffset)
                            + U(rgb, width, x0, y0 + 1, blueOffset, redOffset) + U(rgb, width, x0 + 1, y0 + 1, blueOffset, redOffset);
                        block[(i * BlockSide) + j] = sum / 2.0;
                    }
                }

                bits[(by * blocksX) + bx] = InferBit(block);
            }
        }

        return bits;
    }

    /// <summary>Folds block bits into a payload of <paramref name="length"/> bits by the package's averaging rule.</summary>
    /// <returns>The payload bits (0 or 1), or empty when there are fewer blocks than bits.</returns>
    public static byte[] Fold(ReadOnlySpan<byte> blockBits, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (blockBits.Length < length)
        {
            return [];
        }

        var ones = new int[length];
        var counts = new int[length];
        for (var k = 0; k < blockBits.Length; k++)
        {
            var bit = k % length;
            ones[bit] += blockBits[k];
            counts[bit]++;
        }

        var payload = new byte[length];
        for (var i = 0; i < length; i++)
        {
            // mean · 255 > 127, in integers: ones · 255 > 127 · count.
            payload[i] = (byte)((ones[i] * 255L) > (127L * counts[i]) ? 1 : 0);
        }

        return payload;
    }

    /// <summary>Bits of <paramref name="bytes"/>, most significant first (numpy <c>unpackbits</c>).</summary>
    public static byte[] BitsOf(ReadOnlySpan<byte> bytes)
    {
        var bits = new byte[bytes.Length * 8];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = (byte)((bytes[i / 8] >> (7 - (i % 8))) & 1);
        }

        return bits;
    }

    /// <summary>Packs bits (most significant first) into bytes; a trailing partial byte is dropped.</summary>
    public static byte[] BytesOf(ReadOnlySpan<byte> bits)
    {
        var bytes = new byte[bits.Length / 8];
        for (var i = 0; i < bytes.Length * 8; i++)
        {
            bytes[i / 8] |= (byte)((bits[i] & 1) << (7 - (i % 8)));
        }

        return bytes;
    }

    /// <summary>Number of positions where both bit strings agree.</summary>
    public static int Agreement(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
        {
            ThrowHelper.ThrowArgument(nameof(b), "Bit strings differ in length.");
        }

        var same = 0;
        for (var i = 0; i < a.Length; i++)
        {
            same += a[i] == b[i] ? 1 : 0;
        }

        return same;
    }

    /// <summary>
    /// log10 of the probability that <paramref name="n"/> fair coin flips agree with a fixed string
    /// in at least <paramref name="agreeing"/> places: P[B(n, ½) ≥ k], the chance that a picture
    /// without this watermark decodes this close to it.
    /// </summary>
    public static double Log10FalseMatchProbability(int agreeing, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 1000);
        ArgumentOutOfRangeException.ThrowIfNegative(agreeing);
        if (agreeing > n)
        {
            return double.NegativeInfinity;
        }

        // Sum C(n, i) in log space to stay finite for every n ≤ 1000.
        var logTerms = new double[n - agreeing + 1];
        var max = double.NegativeInfinity;
        for (var i = agreeing; i <= n; i++)
        {
            var term = LogChoose(n, i);
            logTerms[i - agreeing] = term;
            max = Math.Max(max, term);
        }

        var sum = 0.0;
        foreach (var term in logTerms)
        {
            sum += Math.Exp(term - max);
        }

        return (max + Math.Log(sum) - (n * Math.Log(2))) / Math.Log(10);
    }

    private static double LogChoose(int n, int k)
    {
        var result = 0.0;
        k = Math.Min(k, n - k);
        for (var i = 1; i <= k; i++)
        {
            result += Math.Log(n - k + i) - Math.Log(i);
        }

        return result;
    }

    /// <summary>OpenCV's 8-bit BGR→YUV U value: saturate(round(0.492·(B − Y) + 128)), Y = 0.299R + 0.587G + 0.114B.</summary>
    private static double U(ReadOnlySpan<byte> rgb, int width, int x, int y, int blueOffset, int redOffset)
    {
        var p = ((y * width) + x) * 3;
        double red = rgb[p + redOffset], green = rgb[p + 1], blue = rgb[p + blueOffset];
        var luma = (0.299 * red) + (0.587 * green) + (0.114 * blue);
        var u = Math.Round((0.492 * (blue - luma)) + 128.0, MidpointRounding.ToEven);
        return Math.Clamp(u, 0, 255);
    }

    /// <summary>The package's <c>infer_dct_matrix</c>: largest |c| among positions 1..15, bit = (|c| mod 36) &gt; 18.</summary>
    private static byte InferBit(ReadOnlySpan<double> block)
    {
        var bestMagnitude = Math.Abs(block[1]);
        for (var i = 2; i < block.Length; i++)
        {
            bestMagnitude = Math.Max(bestMagnitude, Math.Abs(block[i]));
        }

        return (byte)(bestMagnitude % Scale > 0.5 * Scale ? 1 : 0);
    }
}
