using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// Turns the 16×16 DCT block into hash bits: bit <c>16·i + j</c> is set when coefficient (i, j) is
/// greater than the median, the 128th smallest of the 256 coefficients (the value Torben's median
/// algorithm returns in the reference).
/// </summary>
public static class PdqBits
{
    /// <summary>Coefficients in the block.</summary>
    public const int Count = 256;

    /// <summary>The 128th smallest of the 256 values (0-based rank 127), found by selection on a copy.</summary>
    public static float Median(ReadOnlySpan<float> coefficients)
    {
        if (coefficients.Length != Count)
        {
            ThrowHelper.ThrowArgument(nameof(coefficients), "PDQ's median is taken over exactly 256 coefficients.");
        }

        Span<float> work = stackalloc float[Count];
        coefficients.CopyTo(work);
        return Select(work, (Count + 1) / 2 - 1);
    }

    // Hoare-partition quickselect with a median-of-three pivot; returns the k-th smallest.
    private static float Select(Span<float> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (right > left)
        {
            var mid = left + ((right - left) >> 1);
            if (values[mid] < values[left])
            {
                (values[mid], values[left]) = (values[left], values[mid]);
            }

            if (values[right] < values[left])
            {
                (values[right], values[left]) = (values[left], values[right]);
            }

            if (values[right] < values[mid])
            {
                (values[right], values[mid]) = (values[mid], values[right]);
            }

            var pivot = values[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    /// <summary>The hash of a 16×16 DCT block.</summary>
    public static Hash256 ToHash(ReadOnlySpan<float> coefficients)
    {
        var median = Median(coefficients);
        Span<ulong> words = stackalloc ulong[Hash256.WordCount];
        if (Vector256.IsHardwareAccelerated)
        {
            // Each compare covers 8 coefficients, so 8 compares fill one 64-bit word.
            ref var start = ref MemoryMarshal.GetReference(coefficients);
            var threshold = Vector256.Create(median);
            for (var w = 0; w < Hash256.WordCount; w++)
            {
                ulong word = 0;
                for (var part = 0; part < 8; part++)
                {
                    var values = Vector256.LoadUnsafe(ref start, (nuint)((w * 64) + (part * 8)));
                    word |= (ulong)Vector256.GreaterThan(values, threshold).ExtractMostSignificantBits() << (part * 8);
                }

                words[w] = word;
            }
        }
        else
        {
            for (var k = 0; k < Count; k++)
            {
                if (coefficients[k] > median)
                {
                    words[k >> 6] |= 1UL << (k & 63);
                }
            }
        }

        return new Hash256(words);
    }
}
