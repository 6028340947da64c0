using System.Buffers;

namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// Computes PDQ hashes (Meta's "PDQ" perceptual hash, hashing.pdf in the ThreatExchange repository)
/// of luma planes or 8-bit pixel buffers. Bit-identical to the C++ reference for the same pixels.
/// </summary>
/// <remarks>
/// An instance owns its scratch buffers: use one per thread. It does no I/O; callers decode
/// images into pixels first (Haechi.Media does), including any pre-resize.
/// </remarks>
public sealed class PdqHasher
{
    /// <summary>Images narrower or shorter than this get quality 0 and the zero hash, as in the reference.</summary>
    public const int MinHashableDimension = 5;

    /// <summary>Side of the downsampled block that the DCT reads.</summary>
    public const int BlockSize = 64;

    private readonly float[] _block64 = new float[BlockSize * BlockSize];
    private readonly float[] _dct16x64 = new float[16 * BlockSize];
    private readonly float[] _dct16 = new float[16 * 16];
    private readonly float[] _aux16 = new float[16 * 16];

    /// <summary>Hashes 8-bit pixels.</summary>
    public PdqHashResult Hash(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, int rowStride = 0)
    {
        var size = CheckedSize(width, height);
        var luma = ArrayPool<float>.Shared.Rent(size);
        try
        {
            PdqLuma.Fill(pixels, width, height, format, rowStride, luma);
            return HashLuma(luma.AsSpan(0, size), width, height);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(luma);
        }
    }

    /// <summary>Hashes 8-bit pixels and returns all eight dihedral hashes.</summary>
    public PdqDihedralHashes HashDihedral(ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, int rowStride = 0)
    {
        var size = CheckedSize(width, height);
        var luma = ArrayPool<float>.Shared.Rent(size);
        try
        {
            PdqLuma.Fill(pixels, width, height, format, rowStride, luma);
            return HashLumaDihedral(luma.AsSpan(0, size), width, height);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(luma);
        }
    }

    /// <summary>
    /// Hashes a luma plane (height rows of width floats). The plane is used as working memory and
    /// holds the filtered image afterwards.
    /// </summary>
    public PdqHashResult HashLuma(Span<float> luma, int width, int height)
    {
        CheckedSize(width, height);
        if (width < MinHashableDimension || height < MinHashableDimension)
        {
            return new PdqHashResult(Hash256.Zero, 0);
        }

        // Like the reference, a plane that is already 64×64 (e.g. a video frame scaled by the
        // decoder) skips the tent filter.
        var quality = width == BlockSize && height == BlockSize
            ? CopyBlockAndTransform(luma)
            : DownsampleAndTransform(luma, width, height);
        return new PdqHashResult(PdqBits.ToHash(_dct16), quality);
    }

    /// <summary>
    /// Hashes a luma plane and derives the eight dihedral hashes from one DCT. The plane is used as
    /// working memory. (The reference always filters here, even a 64×64 plane.)
    /// </summary>
    public PdqDihedralHashes HashLumaDihedral(Span<float> luma, int width, int height)
    {
        CheckedSize(width, height);
        var hashes = default(DihedralHashArray);
        if (width < MinHashableDimension || height < MinHashableDimension)
        {
            return new PdqDihedralHashes(hashes, 0);
        }

        var quality = DownsampleAndTransform(luma, width, height);
        hashes[0] = PdqBits.ToHash(_dct16);
        for (var t = 1; t < DihedralTransformNames.Count; t++)
        {
            PdqDihedral.Apply((DihedralTransform)t, _dct16, _aux16);
            hashes[t] = PdqBits.ToHash(_aux16);
        }

        return new PdqDihedralHashes(hashes, quality);
    }

    private int CopyBlockAndTransform(ReadOnlySpan<float> luma)
    {
        luma[..(BlockSize * BlockSize)].CopyTo(_block64);
        var quality = PdqQuality.Compute(_block64);
        PdqDct.Transform(_block64, _dct16x64, _dct16);
        return quality;
    }

    private int DownsampleAndTransform(Span<float> luma, int width, int height)
    {
        var size = width * height;
        var scratch = ArrayPool<float>.Shared.Rent(size);
        try
        {
            JaroszFilter.Filter(
                luma,
                scratch,
                height,
                width,
                JaroszFilter.WindowSize(width, BlockSize),
                JaroszFilter.WindowSize(height, BlockSize));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }

        JaroszFilter.Decimate(luma, height, width, _block64, BlockSize, BlockSize);
        var quality = PdqQuality.Compute(_block64);
        PdqDct.Transform(_block64, _dct16x64, _dct16);
        return quality;
    }

    private static int CheckedSize(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(width), "Width and height must be positive.");
        }

        var size = (long)width * height;
        if (size > Array.MaxLength)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(width), "The image has too many pixels to hash in one plane.");
        }

        return (int)size;
    }
}
