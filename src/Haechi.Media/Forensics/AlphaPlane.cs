using NetVips;
using VipsImage = NetVips.Image;

namespace Haechi.Media.Forensics;

/// <summary>Decodes the 8-bit alpha plane of an image, if it has one.</summary>
internal static class AlphaPlane
{
    /// <summary>The alpha plane (row-major), or null when the image has no alpha or cannot be decoded.</summary>
    public static (byte[] Alpha, int Width, int Height)? Read(byte[] bytes, long maxPixels)
    {
        try
        {
            using var image = VipsImage.NewFromBuffer(bytes, access: Enums.Access.Sequential, failOn: Enums.FailOn.Truncated);
            if (!image.HasAlpha() || (long)image.Width * image.Height > maxPixels || image.Format != Enums.BandFormat.Uchar)
            {
                return null;
            }

            using var alpha = image.ExtractBand(image.Bands - 1);
            return (alpha.WriteToMemory<byte>(), image.Width, image.Height);
        }
        catch (VipsException)
        {
            return null;
        }
    }
}
