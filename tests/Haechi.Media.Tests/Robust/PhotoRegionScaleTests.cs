using Haechi.Core.Robust;
using Haechi.Media.Images;
using Haechi.Media.Robust;

namespace Haechi.Media.Tests.Robust;

/// <summary>
/// The photo finder on screenshots that the decoder shrinks on load (JPEG shrink 2×, 4×, 8×): the
/// capture of a 900×700 photo is about 1286×1361, which the decoder reads at a quarter of its size.
/// </summary>
public sealed class PhotoRegionScaleTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(480, 360)]
    [InlineData(900, 700)]
    [InlineData(1200, 900)]
    [InlineData(700, 900)]
    [InlineData(1600, 1200)]
    public void Find_ScreenshotShrunkOnLoad_FindsThePhoto(int width, int height)
    {
        var original = SyntheticImages.DrawRgb(width, height, 4242);
        var shot = ImageEdits.Apply(original, width, height, ImageEdit.Screenshot);
        var image = ImageDecoder.Decode(shot);

        var region = PhotoRegion.Find(image.Pixels, image.Width, image.Height, image.Format);

        var scale = image.Width * 0.7 / width;
        output.WriteLine($"decoded {image.Width}x{image.Height} region {region} expected {width * 0.7 * scale:F0}x{height * 0.7 * scale:F0}");
        Assert.InRange(region.Width, (width * 0.7 * scale) - 3, (width * 0.7 * scale) + 3);
        Assert.InRange(region.Height, (height * 0.7 * scale) - 3, (height * 0.7 * scale) + 3);
    }
}
