namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// Derives the DCT block of a rotated or flipped image from the original's block, without a
/// second DCT: a flip negates the odd-frequency coefficients along its axis (frequency = index + 1,
/// so even indices), a transpose swaps the axes.
/// </summary>
public static class PdqDihedral
{
    /// <summary>Writes the 16×16 block of the image after <paramref name="transform"/> into <paramref name="output"/>.</summary>
    public static void Apply(DihedralTransform transform, ReadOnlySpan<float> input, Span<float> output)
    {
        const int N = 16;
        if (input.Length < N * N || output.Length < N * N)
        {
            ThrowHelper.ThrowArgument(nameof(input), "Dihedral transforms work on 16×16 blocks.");
        }

        for (var i = 0; i < N; i++)
        {
            for (var j = 0; j < N; j++)
            {
                var a = input[(i * N) + j];
                switch (transform)
                {
                    case DihedralTransform.Original:
                        output[(i * N) + j] = a;
                        break;
                    case DihedralTransform.Rotate90:
                        output[(j * N) + i] = (j & 1) != 0 ? a : -a;
                        break;
                    case DihedralTransform.Rotate180:
                        output[(i * N) + j] = ((i + j) & 1) != 0 ? -a : a;
                        break;
                    case DihedralTransform.Rotate270:
                        output[(j * N) + i] = (i & 1) != 0 ? a : -a;
                        break;
                    case DihedralTransform.FlipX:
                        output[(i * N) + j] = (i & 1) != 0 ? a : -a;
                        break;
                    case DihedralTransform.FlipY:
                        output[(i * N) + j] = (j & 1) != 0 ? a : -a;
                        break;
                    case DihedralTransform.FlipPlus1:
                        output[(j * N) + i] = a;
                        break;
                    case DihedralTransform.FlipMinus1:
                        output[(j * N) + i] = ((i + j) & 1) != 0 ? -a : a;
                        break;
                    default:
                        ThrowHelper.ThrowArgumentOutOfRange(nameof(transform), "Unknown dihedral transform.");
                        break;
                }
            }
        }
    }
}
