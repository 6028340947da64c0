using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// PDQ's partial 2-D DCT: frequencies 1..16 in each direction of a 64×64 block, computed as
/// <c>B = D·A·Dᵀ</c> with the 16×64 DCT-II matrix <c>D</c> (DC row left out).
/// </summary>
/// <remarks>
/// Bit-identical to the reference: each output is a float sum over k = 0..63 in order, one
/// product rounded then one addition rounded per step (no fused multiply-add). The vector paths
/// put neighbouring output columns in lanes, so each lane follows the scalar order.
/// </remarks>
public static class PdqDct
{
    /// <summary>Side of the input block.</summary>
    public const int InputSize = 64;

    /// <summary>Side of the output block.</summary>
    public const int OutputSize = 16;

    private static readonly float[] Matrix = BuildMatrix();
    private static readonly float[] MatrixTransposed = TransposeMatrix(Matrix);

    /// <summary>The 16×64 DCT matrix, row-major (row i is frequency i + 1).</summary>
    public static ReadOnlySpan<float> DctMatrix => Matrix;

    private static float[] BuildMatrix()
    {
        var matrix = new float[OutputSize * InputSize];

        // The reference keeps the scale factor as a float, then multiplies it by a double cosine.
        var scale = (float)Math.Sqrt(2.0 / InputSize);
        for (var i = 0; i < OutputSize; i++)
        {
            for (var j = 0; j < InputSize; j++)
            {
                matrix[(i * InputSize) + j] = (float)(scale * Math.Cos(Math.PI / 2.0 / InputSize * (i + 1) * ((2 * j) + 1)));
            }
        }

        return matrix;
    }

    private static float[] TransposeMatrix(float[] matrix)
    {
        var transposed = new float[InputSize * OutputSize];
        for (var i = 0; i < OutputSize; i++)
        {
            for (var k = 0; k < InputSize; k++)
            {
                transposed[(k * OutputSize) + i] = matrix[(i * InputSize) + k];
            }
        }

        return transposed;
    }

    /// <summary>
    /// Computes the 16×16 block <paramref name="output"/> from the 64×64 block <paramref name="input"/>,
    /// using <paramref name="scratch16x64"/> for the intermediate <c>T = D·A</c>.
    /// </summary>
    public static void Transform(ReadOnlySpan<float> input, Span<float> scratch16x64, Span<float> output)
    {
        if (input.Length < InputSize * InputSize || scratch16x64.Length < OutputSize * InputSize || output.Length < OutputSize * OutputSize)
        {
            ThrowHelper.ThrowArgument(nameof(input), "The DCT needs a 64×64 input, 16×64 scratch and 16×16 output.");
        }

        if (Vector256.IsHardwareAccelerated)
        {
            TransformVector256(input, scratch16x64, output);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            TransformVector128(input, scratch16x64, output);
        }
        else
        {
            TransformScalar(input, scratch16x64, output);
        }
    }

    private static void TransformScalar(ReadOnlySpan<float> a, Span<float> t, Span<float> b)
    {
        ReadOnlySpan<float> d = Matrix;
        for (var i = 0; i < OutputSize; i++)
        {
            var dRow = d.Slice(i * InputSize, InputSize);
            for (var j = 0; j < InputSize; j++)
            {
                var sum = 0f;
                for (var k = 0; k < InputSize; k++)
                {
                    sum += dRow[k] * a[(k * InputSize) + j];
                }

                t[(i * InputSize) + j] = sum;
            }
        }

        for (var i = 0; i < OutputSize; i++)
        {
            var tRow = t.Slice(i * InputSize, InputSize);
            for (var j = 0; j < OutputSize; j++)
            {
                var dRow = d.Slice(j * InputSize, InputSize);
                var sum = 0f;
                for (var k = 0; k < InputSize; k++)
                {
                    sum += tRow[k] * dRow[k];
                }

                b[(i * OutputSize) + j] = sum;
            }
        }
    }

    // Lanes hold 8 neighbouring output columns j..j+7.
    private static void TransformVector256(ReadOnlySpan<float> a, Span<float> t, Span<float> b)
    {
        ref var aRef = ref MemoryMarshal.GetReference(a);
        ref var tRef = ref MemoryMarshal.GetReference(t);
        ref var bRef = ref MemoryMarshal.GetReference(b);
        ref var dRef = ref MemoryMarshal.GetArrayDataReference(Matrix);
        ref var dtRef = ref MemoryMarshal.GetArrayDataReference(MatrixTransposed);

        // T = D·A: T[i, j] = Σk D[i, k]·A[k, j].
        for (nuint i = 0; i < OutputSize; i++)
        {
            for (nuint j = 0; j < InputSize; j += 16)
            {
                var sum0 = Vector256<float>.Zero;
                var sum1 = Vector256<float>.Zero;
                for (nuint k = 0; k < InputSize; k++)
                {
                    var dik = Vector256.Create(At(ref dRef, (i * InputSize) + k));
                    sum0 += dik * Vector256.LoadUnsafe(ref aRef, (k * InputSize) + j);
                    sum1 += dik * Vector256.LoadUnsafe(ref aRef, (k * InputSize) + j + 8);
                }

                sum0.StoreUnsafe(ref tRef, (i * InputSize) + j);
                sum1.StoreUnsafe(ref tRef, (i * InputSize) + j + 8);
            }
        }

        // B = T·Dᵀ: B[i, j] = Σk T[i, k]·D[j, k] = Σk T[i, k]·Dᵀ[k, j].
        for (nuint i = 0; i < OutputSize; i++)
        {
            var sum0 = Vector256<float>.Zero;
            var sum1 = Vector256<float>.Zero;
            for (nuint k = 0; k < InputSize; k++)
            {
                var tik = Vector256.Create(At(ref tRef, (i * InputSize) + k));
                sum0 += tik * Vector256.LoadUnsafe(ref dtRef, k * OutputSize);
                sum1 += tik * Vector256.LoadUnsafe(ref dtRef, (k * OutputSize) + 8);
            }

            sum0.StoreUnsafe(ref bRef, i * OutputSize);
            sum1.StoreUnsafe(ref bRef, (i * OutputSize) + 8);
        }
    }

    // Lanes hold 4 neighbouring output columns.
    private static void TransformVector128(ReadOnlySpan<float> a, Span<float> t, Span<float> b)
    {
        ref var aRef = ref MemoryMarshal.GetReference(a);
        ref var tRef = ref MemoryMarshal.GetReference(t);
        ref var bRef = ref MemoryMarshal.GetReference(b);
        ref var dRef = ref MemoryMarshal.GetArrayDataReference(Matrix);
        ref var dtRef = ref MemoryMarshal.GetArrayDataReference(MatrixTransposed);

        for (nuint i = 0; i < OutputSize; i++)
        {
            for (nuint j = 0; j < InputSize; j += 4)
            {
                var sum = Vector128<float>.Zero;
                for (nuint k = 0; k < InputSize; k++)
                {
                    sum += Vector128.Create(At(ref dRef, (i * InputSize) + k)) * Vector128.LoadUnsafe(ref aRef, (k * InputSize) + j);
                }

                sum.StoreUnsafe(ref tRef, (i * InputSize) + j);
            }
        }

        for (nuint i = 0; i < OutputSize; i++)
        {
            for (nuint j = 0; j < OutputSize; j += 4)
            {
                var sum = Vector128<float>.Zero;
                for (nuint k = 0; k < InputSize; k++)
                {
                    sum += Vector128.Create(At(ref tRef, (i * InputSize) + k)) * Vector128.LoadUnsafe(ref dtRef, (k * OutputSize) + j);
                }

                sum.StoreUnsafe(ref bRef, (i * OutputSize) + j);
            }
        }
    }

    private static float At(ref float start, nuint offset) => Unsafe.Add(ref start, offset);
}
