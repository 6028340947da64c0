namespace Haechi.Media.Images;

/// <summary>What to do with an EXIF orientation tag.</summary>
public enum OrientationMode
{
    /// <summary>Rotate/flip the pixels as the tag says, as browsers and phones display the photo (Haechi's default, ADR 0002).</summary>
    Apply = 0,

    /// <summary>Hash the pixels as stored, as Meta's reference tools do.</summary>
    Ignore = 1,
}

/// <summary>Limits and choices for turning an image file into pixels for hashing.</summary>
public sealed record ImageDecodeOptions
{
    /// <summary>Default cap on the file size: 100 MiB.</summary>
    public const long DefaultMaxFileBytes = 100L * 1024 * 1024;

    /// <summary>Default cap on the pixel count declared by the header: 100 megapixels.</summary>
    public const long DefaultMaxPixels = 100_000_000;

    /// <summary>Default smallest side kept when shrinking on load.</summary>
    public const int DefaultMinWorkingSide = 256;

    /// <summary>Options with Haechi's defaults.</summary>
    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>Files larger than this are refused before they are read.</summary>
    public long MaxFileBytes { get; init; } = DefaultMaxFileBytes;

    /// <summary>Images whose header declares more pixels than this are refused before decoding (decompression bombs).</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>EXIF orientation handling.</summary>
    public OrientationMode Orientation { get; init; } = OrientationMode.Apply;

    /// <summary>
    /// Large images are shrunk while decoding (libjpeg DCT scaling, WebP scaling, or a box
    /// average) as long as both sides stay at least this long; 0 decodes at full size. PDQ
    /// reduces every image to 64×64, so 256 keeps 4× oversampling.
    /// </summary>
    public int MinWorkingSide { get; init; } = DefaultMinWorkingSide;
}
