using Haechi.Core.Hashing.Pdq;

namespace Haechi.Media.Images;

/// <summary>Tightly packed 8-bit pixels of one decoded image (first frame of an animation).</summary>
public sealed class DecodedImage
{
    internal DecodedImage(byte[] pixels, int width, int height, PixelFormat format, int sourceWidth, int sourceHeight, string loader)
    {
        Pixels = pixels;
        Width = width;
        Height = height;
        Format = format;
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        Loader = loader;
    }

    /// <summary>Pixel rows, width × height × bytes per pixel.</summary>
    public byte[] Pixels { get; }

    /// <summary>Width of <see cref="Pixels"/> (after any shrink on load).</summary>
    public int Width { get; }

    /// <summary>Height of <see cref="Pixels"/>.</summary>
    public int Height { get; }

    /// <summary>Channel layout.</summary>
    public PixelFormat Format { get; }

    /// <summary>Width declared by the file.</summary>
    public int SourceWidth { get; }

    /// <summary>Height declared by the file.</summary>
    public int SourceHeight { get; }

    /// <summary>The libvips loader that read the file (e.g. <c>jpegload</c>).</summary>
    public string Loader { get; }
}
