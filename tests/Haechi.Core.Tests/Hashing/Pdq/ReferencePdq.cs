using Haechi.Core.Hashing;

namespace Haechi.Core.Tests.Hashing.Pdq;

/// <summary>
/// A plain scalar PDQ written straight from the reference description (strided 1-D box filter,
/// naive matrix products, Torben's median): the yardstick for the optimised routines.
/// </summary>
internal static class ReferencePdq
{
    public static float[] Luma(byte[] rgb, int width, int height)
    {
        var luma = new float[width * height];
        for (var i = 0; i < width * height; i++)
        {
            luma[i] = (0.299f * rgb[3 * i]) + (0.587f * rgb[(3 * i) + 1]) + (0.114f * rgb[(3 * i) + 2]);
        }

        return luma;
    }

    public static void Box1D(float[] input, int inOffset, float[] output, int outOffset, int length, int stride, int window)
    {
        var half = (window + 2) / 2;
        int li = 0, ri = 0, oi = 0, count = 0;
        var sum = 0f;
        for (var i = 0; i < half - 1; i++)
        {
            sum += input[inOffset + ri];
            count++;
            ri += stride;
        }

        for (var i = 0; i < window - half + 1; i++)
        {
            sum += input[inOffset + ri];
            count++;
            output[outOffset + oi] = sum / count;
            ri += stride;
            oi += stride;
        }

        for (var i = 0; i < length - window; i++)
        {
            sum += input[inOffset + ri];
            sum -= input[inOffset + li];
            output[outOffset + oi] = sum / count;
            li += stride;
            ri += stride;
            oi += stride;
        }

        for (var i = 0; i < half - 1; i++)
        {
            sum -= input[inOffset + li];
            count--;
            output[outOffset + oi] = sum / count;
            li += stride;
            oi += stride;
        }
    }

    public static void Jarosz(float[] buffer1, float[] buffer2, int rows, int cols, int windowAlongRows, int windowAlongCols)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < rows; i++)
            {
                Box1D(buffer1, i * cols, buffer2, i * cols, cols, 1, windowAlongRows);
            }

            for (var j = 0; j < cols; j++)
            {
                Box1D(buffer2, j, buffer1, j, rows, cols, windowAlongCols);
            }
        }
    }

    public static int Window(int oldDimension) => (oldDimension + 127) / 128;

    public static float[] Downsample(float[] luma, int width, int height)
    {
        var scratch = new float[luma.Length];
        Jarosz(luma, scratch, height, width, Window(width), Window(height));
        var block = new float[64 * 64];
        for (var i = 0; i < 64; i++)
        {
            var ini = (int)((i + 0.5) * height / 64);
            for (var j = 0; j < 64; j++)
            {
                var inj = (int)((j + 0.5) * width / 64);
                block[(i * 64) + j] = luma[(ini * width) + inj];
            }
        }

        return block;
    }

    public static float[] DctMatrix()
    {
        var d = new float[16 * 64];
        var scale = (float)Math.Sqrt(2.0 / 64);
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                d[(i * 64) + j] = (float)(scale * Math.Cos(Math.PI / 2.0 / 64 * (i + 1) * ((2 * j) + 1)));
            }
        }

        return d;
    }

    public static float[] Dct(float[] a)
    {
        var d = DctMatrix();
        var t = new float[16 * 64];
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                var sum = 0f;
                for (var k = 0; k < 64; k++)
                {
                    sum += d[(i * 64) + k] * a[(k * 64) + j];
                }

                t[(i * 64) + j] = sum;
            }
        }

        var b = new float[256];
        for (var i = 0; i < 16; i++)
        {
            for (var j = 0; j < 16; j++)
            {
                var sum = 0f;
                for (var k = 0; k < 64; k++)
                {
                    sum += t[(i * 64) + k] * d[(j * 64) + k];
                }

                b[(i * 16) + j] = sum;
            }
        }

        return b;
    }

    public static float Torben(float[] m)
    {
        var n = m.Length;
        float min = m[0], max = m[0];
        for (var i = 1; i < n; i++)
        {
            min = Math.Min(min, m[i]);
            max = Math.Max(max, m[i]);
        }

        int less, greater, equal;
        float guess, maxLtGuess, minGtGuess;
        while (true)
        {
            guess = (min + max) / 2;
            less = greater = equal = 0;
            maxLtGuess = min;
            minGtGuess = max;
            for (var i = 0; i < n; i++)
            {
                if (m[i] < guess)
                {
                    less++;
                    if (m[i] > maxLtGuess)
                    {
                        maxLtGuess = m[i];
                    }
                }
                else if (m[i] > guess)
                {
                    greater++;
                    if (m[i] < minGtGuess)
                    {
                        minGtGuess = m[i];
                    }
                }
                else
                {
                    equal++;
                }
            }

            if (less <= (n + 1) / 2 && greater <= (n + 1) / 2)
            {
                break;
            }

            if (less > greater)
            {
                max = maxLtGuess;
            }
            else
            {
                min = minGtGuess;
            }
        }

        return less >= (n + 1) / 2 ? maxLtGuess : less + equal >= (n + 1) / 2 ? guess : minGtGuess;
    }

    public static Hash256 Bits(float[] dct)
    {
        var median = Torben(dct);
        var words = new ulong[4];
        for (var k = 0; k < 256; k++)
        {
            if (dct[k] > median)
            {
                words[k / 64] |= 1UL << (k % 64);
            }
        }

        return new Hash256(words);
    }

    public static int Quality(float[] block)
    {
        var sum = 0;
        for (var i = 0; i < 63; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                sum += Math.Abs((int)((block[(i * 64) + j] - block[((i + 1) * 64) + j]) * 100f / 255f));
            }
        }

        for (var i = 0; i < 64; i++)
        {
            for (var j = 0; j < 63; j++)
            {
                sum += Math.Abs((int)((block[(i * 64) + j] - block[(i * 64) + j + 1]) * 100f / 255f));
            }
        }

        return Math.Min(100, sum / 90);
    }

    /// <summary>Hash and quality of a luma plane larger than 64×64 or not square 64.</summary>
    public static (Hash256 Hash, int Quality) Hash(float[] luma, int width, int height)
    {
        if (width < 5 || height < 5)
        {
            return (Hash256.Zero, 0);
        }

        var block = Downsample((float[])luma.Clone(), width, height);
        return (Bits(Dct(block)), Quality(block));
    }

    public static float Distance(int a, int b) => Math.Abs(a - b);
}
