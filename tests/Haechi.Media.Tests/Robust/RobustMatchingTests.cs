using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust;
using Haechi.Media.Images;
using Haechi.Media.Robust;

namespace Haechi.Media.Tests.Robust;

public sealed class RobustMatchingTests
{
    private const int Width = 480;
    private const int Height = 360;

    private static readonly byte[] Original = SyntheticImages.DrawRgb(Width, Height, 4242);

    [Fact]
    public void Register_UnchangedImage_FirstViewIsExactlyThePlainPdq()
    {
        var jpeg = SyntheticImages.EncodeJpeg(Original, Width, Height, 90);
        var plain = new ImageFingerprinter().Fingerprint(jpeg);

        var registered = new RobustFingerprinter().Register(jpeg, RobustFamilies.All);
        var query = new RobustFingerprinter().Query(jpeg, RobustFamilies.All);

        Assert.Equal(ViewKind.Whole, registered[0].Kind);
        Assert.Equal(plain.Pdq, registered[0].Hash);
        Assert.Equal(plain.Pdq, query[0].Hash);
        Assert.Equal(plain.Quality, registered[0].Quality);
    }

    [Fact]
    public void Fingerprint_RobustViewsPart_SameViewsAndPdqFromOneDecode()
    {
        var shot = ImageEdits.Apply(Original, Width, Height, ImageEdit.Screenshot);
        var families = RobustFamilies.Canonical | RobustFamilies.Partial;

        var fingerprint = new ImageFingerprinter { QueryViews = families }.Fingerprint(shot, FingerprintParts.RobustViews);
        var plain = new ImageFingerprinter().Fingerprint(shot);
        var separate = new RobustFingerprinter().Query(shot, families);

        Assert.Equal(plain.Pdq, fingerprint.Pdq);
        Assert.Equal(plain.Quality, fingerprint.Quality);
        Assert.Equal(separate, fingerprint.Views);
        Assert.Null(plain.Views);
    }

    [Fact]
    public void Register_AllFamilies_StaysUnderEightKilobytes()
    {
        var views = new RobustFingerprinter().Register(SyntheticImages.EncodeJpeg(Original, Width, Height, 90), RobustFamilies.All);

        Assert.InRange(views.Count * 33, 33, 8 * 1024);
    }

    [Theory]
    [InlineData(ImageEdit.Crop5)]
    [InlineData(ImageEdit.Crop10)]
    [InlineData(ImageEdit.Crop20)]
    [InlineData(ImageEdit.Mirror)]
    [InlineData(ImageEdit.Rotate90)]
    [InlineData(ImageEdit.Border)]
    [InlineData(ImageEdit.Letterbox)]
    [InlineData(ImageEdit.Screenshot)]
    [InlineData(ImageEdit.Caption)]
    [InlineData(ImageEdit.Sticker)]
    [InlineData(ImageEdit.JpegQ30)]
    public void Search_EditedCopy_FindsTheOriginal(ImageEdit edit)
    {
        var index = new RobustIndex();
        var fingerprinter = new RobustFingerprinter();
        index.Add(1, fingerprinter.Register(SyntheticImages.EncodeJpeg(Original, Width, Height, 90), RobustFamilies.All).ToArray());

        var results = new List<RobustMatch>();
        index.Search(fingerprinter.Query(ImageEdits.Apply(Original, Width, Height, edit, seed: 1), RobustFamilies.All).ToArray(), results);

        var match = Assert.Single(results);
        Assert.Equal(1, match.ImageId);
        Assert.InRange(match.Distance, 0, RobustIndex.RadiusOf(match.Signal));
    }

    [Theory]
    [InlineData(ImageEdit.Border, RobustSignal.Canonical)]
    [InlineData(ImageEdit.Mirror, RobustSignal.Dihedral)]
    [InlineData(ImageEdit.JpegQ70, RobustSignal.Pdq)]
    public void Search_EditedCopy_ReportsTheSignalThatMatched(ImageEdit edit, RobustSignal expected)
    {
        var index = new RobustIndex();
        var fingerprinter = new RobustFingerprinter();
        index.Add(7, fingerprinter.Register(SyntheticImages.EncodeJpeg(Original, Width, Height, 90), RobustFamilies.All).ToArray());

        var results = new List<RobustMatch>();
        index.Search(fingerprinter.Query(ImageEdits.Apply(Original, Width, Height, edit), RobustFamilies.All).ToArray(), results);

        Assert.Equal(expected, Assert.Single(results).Signal);
    }

    [Fact]
    public void Search_UnrelatedImagesAndTheirEdits_MatchNothing()
    {
        var index = new RobustIndex();
        var fingerprinter = new RobustFingerprinter();
        for (var i = 0; i < 4; i++)
        {
            index.Add(i, fingerprinter.Register(SyntheticImages.Jpeg(Width, Height, 100 + i), RobustFamilies.All).ToArray());
        }

        var results = new List<RobustMatch>();
        var other = SyntheticImages.DrawRgb(Width, Height, 777);
        foreach (var edit in new[] { ImageEdit.JpegQ70, ImageEdit.Screenshot, ImageEdit.Caption, ImageEdit.Crop10, ImageEdit.Letterbox })
        {
            index.Search(fingerprinter.Query(ImageEdits.Apply(other, Width, Height, edit), RobustFamilies.All).ToArray(), results);
        }

        Assert.Empty(results);
    }

    [Fact]
    public void PhotoRegion_Screenshot_FindsThePhoto()
    {
        var shot = ImageEdits.Apply(Original, Width, Height, ImageEdit.Screenshot);
        var image = ImageDecoder.Decode(shot);

        var region = PhotoRegion.Find(image.Pixels, image.Width, image.Height, image.Format);

        // The photo is 70 % of the original's size on a canvas 1/0.7 as wide (the decoder may shrink
        // the whole capture on load), centred horizontally.
        var scale = image.Width * 0.7 / Width;
        Assert.InRange(region.Width, (Width * 0.7 * scale) - 3, (Width * 0.7 * scale) + 3);
        Assert.InRange(region.Height, (Height * 0.7 * scale) - 3, (Height * 0.7 * scale) + 3);
        Assert.InRange(region.X + (region.Width / 2), (image.Width / 2) - 3, (image.Width / 2) + 3);
        Assert.Equal(PixelFormat.Rgb24, image.Format);
    }

    [Fact]
    public void EdgeBands_CaptionBar_TrimsTheBar()
    {
        var image = ImageDecoder.Decode(ImageEdits.Apply(Original, Width, Height, ImageEdit.Caption));

        var region = EdgeBands.Trim(image.Pixels, image.Width, image.Format, new(0, 0, image.Width, image.Height));

        Assert.Equal((0, 0, Width), (region.X, region.Y, region.Width));
        Assert.InRange(region.Height, Height - (Height * 15 / 100) - 2, Height - (Height * 15 / 100) + 2);
    }
}
