using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// PDQ's tent-filter downsample (Wojciech Jarosz, "Fast Image Convolutions", 2001): two X then Y
/// passes of a 1-D box filter, then decimation to 64×64 at the window centres.
/// </summary>
/// <remarks>
/// Results are bit-identical to the C++ reference: every output value is produced by the same
/// float additions, subtractions and division in the same order. The vector paths run several
/// columns side by side (one column per lane); the pass along rows transposes the plane so that
/// rows become columns.
/// </remarks>
public static class JaroszFilter
{
    /// <summary>X,Y pass pairs; two give a tent filter.</summary>
    public const int Passes = 2;

    /// <summary>Box window for one pass: half the input pixels that fall on one output pixel, rounded up.</summary>
    public static int WindowSize(int oldDimension, int newDimension) =>
        (oldDimension + (2 * newDimension) - 1) / (2 * newDimension);

    /// <summary>
    /// Filters <paramref name="buffer1"/> (rows × columns, row-major) in place, using
    /// <paramref name="buffer2"/> as scratch of the same size.
    /// </summary>
    public static void Filter(Span<float> buffer1, Span<float> buffer2, int numRows, int numCols, int windowAlongRows, int windowAlongCols, int passes = Passes)
    {
        var size = numRows * numCols;
        if (buffer1.Length < size || buffer2.Length < size)
        {
            ThrowHelper.ThrowArgument(nameof(buffer1), "Buffers are smaller than rows × columns.");
        }

        for (var pass = 0; pass < passes; pass++)
        {
            // Along rows: transpose so each row is a column, filter the columns, transpose back.
            Transpose(buffer1, numRows, numCols, buffer2);
            BoxAlongColumns(buffer2, buffer1, numCols, numRows, windowAlongRows);
            Transpose(buffer1, numCols, numRows, buffer2);
            BoxAlongColumns(buffer2, buffer1, numRows, numCols, windowAlongCols);
        }
    }

    /// <summary>Picks the value at each output pixel's centre, as the reference's <c>decimateFloat</c>.</summary>
    public static void Decimate(ReadOnlySpan<float> input, int inRows, int inCols, Span<float> output, int outRows, int outCols)
    {
        for (var i = 0; i < outRows; i++)
        {
            var ini = (int)((i + 0.5) * inRows / outRows);
            var inRow = input.Slice(ini * inCols, inCols);
            var outRow = output.Slice(i * outCols, outCols);
            for (var j = 0; j < outCols; j++)
            {
                var inj = (int)((j + 0.5) * inCols / outCols);
                outRow[j] = inRow[inj];
            }
        }
    }

    /// <summary>Writes the transpose of <paramref name="input"/> (rows × columns) into <paramref name="output"/> (columns × rows).</summary>
    public static void Transpose(ReadOnlySpan<float> input, int numRows, int numCols, Span<float> output)
    {
        const int Block = 16;
        for (var i0 = 0; i0 < numRows; i0 += Block)
        {
            var iEnd = Math.Min(i0 + Block, numRows);
            for (var j0 = 0; j0 < numCols; j0 += Block)
            {
                var jEnd = Math.Min(j0 + Block, numCols);
                for (var i = i0; i < iEnd; i++)
                {
                    var inRow = i * numCols;
                    for (var j = j0; j < jEnd; j++)
                    {
                        output[(j * numRows) + i] = input[inRow + j];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Runs the 1-D box filter down every column of <paramref name="input"/> (rows × columns,
    /// row-major) into <paramref name="output"/>, the reference's <c>boxAlongColsFloat</c>.
    /// </summary>
    public static void BoxAlongColumns(ReadOnlySpan<float> input, Span<float> output, int numRows, int numCols, int window)
    {
        CheckSize(input.Length, numRows, numCols);
        CheckSize(output.Length, numRows, numCols);
        if (window < 1 || window > numRows)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(window), "The box window must be between 1 and the column length.");
        }

        var plan = new BoxPlan(window, numRows);
        var j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= numCols - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                BoxColumnsVector256(input, output, numCols, j, plan);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; j <= numCols - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                BoxColumnsVector128(input, output, numCols, j, plan);
            }
        }

        for (; j < numCols; j++)
        {
            BoxColumnScalar(input, output, numCols, j, plan);
        }
    }

    /// <summary>The four phases of the reference's <c>box1DFloat</c> for one window and vector length.</summary>
    private readonly struct BoxPlan
    {
        public BoxPlan(int window, int length)
        {
            var half = (window + 2) / 2;
            Phase1 = half - 1;
            Phase2 = window - half + 1;
            Phase3 = length - window;
            Phase4 = half - 1;
        }

        public int Phase1 { get; }

        public int Phase2 { get; }

        public int Phase3 { get; }

        public int Phase4 { get; }
    }

    private static void BoxColumnScalar(ReadOnlySpan<float> input, Span<float> output, int stride, int column, BoxPlan plan)
    {
        int li = column, ri = column, oi = column, count = 0;
        var sum = 0f;
        for (var i = 0; i < plan.Phase1; i++)
        {
            sum += input[ri];
            count++;
            ri += stride;
        }

        for (var i = 0; i < plan.Phase2; i++)
        {
            sum += input[ri];
            count++;
            output[oi] = sum / count;
            ri += stride;
            oi += stride;
        }

        for (var i = 0; i < plan.Phase3; i++)
        {
            sum += input[ri];
            sum -= input[li];
            output[oi] = sum / count;
            li += stride;
            ri += stride;
            oi += stride;
        }

        for (var i = 0; i < plan.Phase4; i++)
        {
            sum -= input[li];
            count--;
            output[oi] = sum / count;
            li += stride;
            oi += stride;
        }
    }

    // Each of the 8 lanes holds one column; the lanes run the scalar recurrence in lockstep.
    private static void BoxColumnsVector256(ReadOnlySpan<float> input, Span<float> output, int stride, int column, BoxPlan plan)
    {
        ref var inRef = ref MemoryMarshal.GetReference(input);
        ref var outRef = ref MemoryMarshal.GetReference(output);
        nuint li = (nuint)column, ri = (nuint)column, oi = (nuint)column, step = (nuint)stride;
        var count = 0;
        var sum = Vector256<float>.Zero;
        for (var i = 0; i < plan.Phase1; i++)
        {
            sum += Vector256.LoadUnsafe(ref inRef, ri);
            count++;
            ri += step;
        }

        for (var i = 0; i < plan.Phase2; i++)
        {
            sum += Vector256.LoadUnsafe(ref inRef, ri);
            count++;
            (sum / Vector256.Create((float)count)).StoreUnsafe(ref outRef, oi);
            ri += step;
            oi += step;
        }

        var divisor = Vector256.Create((float)count);
        for (var i = 0; i < plan.Phase3; i++)
        {
            sum += Vector256.LoadUnsafe(ref inRef, ri);
            sum -= Vector256.LoadUnsafe(ref inRef, li);
            (sum / divisor).StoreUnsafe(ref outRef, oi);
            li += step;
            ri += step;
            oi += step;
        }

        for (var i = 0; i < plan.Phase4; i++)
        {
            sum -= Vector256.LoadUnsafe(ref inRef, li);
            count--;
            (sum / Vector256.Create((float)count)).StoreUnsafe(ref outRef, oi);
            li += step;
            oi += step;
        }
    }

    // Same as the 256-bit path with 4 columns per vector.
    private static void BoxColumnsVector128(ReadOnlySpan<float> input, Span<float> output, int stride, int column, BoxPlan plan)
    {
        ref var inRef = ref MemoryMarshal.GetReference(input);
        ref var outRef = ref MemoryMarshal.GetReference(output);
        nuint li = (nuint)column, ri = (nuint)column, oi = (nuint)column, step = (nuint)stride;
        var count = 0;
        var sum = Vector128<float>.Zero;
        for (var i = 0; i < plan.Phase1; i++)
        {
            sum += Vector128.LoadUnsafe(ref inRef, ri);
            count++;
            ri += step;
        }

        for (var i = 0; i < plan.Phase2; i++)
        {
            sum += Vector128.LoadUnsafe(ref inRef, ri);
            count++;
            (sum / Vector128.Create((float)count)).StoreUnsafe(ref outRef, oi);
            ri += step;
            oi += step;
        }

        var divisor = Vector128.Create((float)count);
        for (var i = 0; i < plan.Phase3; i++)
        {
            sum += Vector128.LoadUnsafe(ref inRef, ri);
            sum -= Vector128.LoadUnsafe(ref inRef, li);
            (sum / divisor).StoreUnsafe(ref outRef, oi);
            li += step;
            ri += step;
            oi += step;
        }

        for (var i = 0; i < plan.Phase4; i++)
        {
            sum -= Vector128.LoadUnsafe(ref inRef, li);
            count--;
            (sum / Vector128.Create((float)count)).StoreUnsafe(ref outRef, oi);
            li += step;
            oi += step;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckSize(int length, int numRows, int numCols)
    {
        if (length < numRows * numCols)
        {
            ThrowHelper.ThrowArgument("buffer", "Buffer is smaller than rows × columns.");
        }
    }
}
