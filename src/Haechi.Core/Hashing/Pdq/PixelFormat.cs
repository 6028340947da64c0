namespace Haechi.Core.Hashing.Pdq;

/// <summary>How 8-bit pixels are laid out in a buffer handed to the hasher.</summary>
public enum PixelFormat
{
    /// <summary>One grey byte per pixel, used directly as luma.</summary>
    Grey8 = 1,

    /// <summary>Grey then alpha; the alpha byte is ignored, as the reference ignores it.</summary>
    GreyAlpha16 = 2,

    /// <summary>Red, green, blue.</summary>
    Rgb24 = 3,

    /// <summary>Red, green, blue, alpha; the alpha byte is ignored, as the reference ignores it.</summary>
    Rgba32 = 4,
}

/// <summary>Facts about <see cref="PixelFormat"/>.</summary>
public static class PixelFormatInfo
{
    /// <summary>Bytes per pixel.</summary>
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Grey8 => 1,
        PixelFormat.GreyAlpha16 => 2,
        PixelFormat.Rgb24 => 3,
        PixelFormat.Rgba32 => 4,
        _ => ThrowHelper.ThrowArgumentOutOfRange<int>(nameof(format)),
    };
}
