namespace Haechi.Core.Hashing.Pdq;

/// <summary>
/// The eight symmetries of a square image (rotations and flips), in the order the PDQ reference
/// tools print their dihedral hashes.
/// </summary>
public enum DihedralTransform
{
    /// <summary>The image as it is.</summary>
    Original = 0,

    /// <summary>Rotated by 90°.</summary>
    Rotate90 = 1,

    /// <summary>Rotated by 180°.</summary>
    Rotate180 = 2,

    /// <summary>Rotated by 270°.</summary>
    Rotate270 = 3,

    /// <summary>Flipped about the horizontal axis (the reference's <c>flipx</c>).</summary>
    FlipX = 4,

    /// <summary>Flipped about the vertical axis (the reference's <c>flipy</c>, a mirror image).</summary>
    FlipY = 5,

    /// <summary>Transposed about the main diagonal (the reference's <c>flipplus1</c>).</summary>
    FlipPlus1 = 6,

    /// <summary>Transposed about the anti-diagonal (the reference's <c>flipminus1</c>).</summary>
    FlipMinus1 = 7,
}

/// <summary>Names of <see cref="DihedralTransform"/> as Haechi prints them.</summary>
public static class DihedralTransformNames
{
    /// <summary>Number of transforms.</summary>
    public const int Count = 8;

    /// <summary>Short lower-case name used in CSV and JSON output.</summary>
    public static string ToName(this DihedralTransform transform) => transform switch
    {
        DihedralTransform.Original => "original",
        DihedralTransform.Rotate90 => "rot90",
        DihedralTransform.Rotate180 => "rot180",
        DihedralTransform.Rotate270 => "rot270",
        DihedralTransform.FlipX => "flipx",
        DihedralTransform.FlipY => "flipy",
        DihedralTransform.FlipPlus1 => "flipplus1",
        DihedralTransform.FlipMinus1 => "flipminus1",
        _ => ThrowHelper.ThrowArgumentOutOfRange<string>(nameof(transform)),
    };
}
