using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;

namespace Haechi.Media.Tests.Images;

public sealed class ImageDecoderTests
{
    /// <summary>A valid PNG whose header declares <paramref name="width"/>×<paramref name="height"/> grey pixels but carries only a few rows.</summary>
    private static byte[] PngWithHeader(int width, int height, int rowsOfData)
    {
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // greyscale
        WriteChunk(png, "IHDR", ihdr);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
            {
                var row = new byte[width + 1];
                for (var r = 0; r < rowsOfData; r++)
                {
                    z.Write(row);
                }
            }

            WriteChunk(png, "IDAT", raw.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        var crc = Crc32(typeBytes, data);
        BinaryPrimitives.WriteUInt32BigEndian(length, crc);
        stream.Write(length);
    }

    private static uint Crc32(byte[] type, byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var part in new[] { type, data })
        {
            foreach (var b in part)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                }
            }
        }

        return ~crc;
    }

    [Fact]
    public void Decode_HugeDimensionsTinyData_RefusedBeforeDecoding()
    {
        var bomb = PngWithHeader(60_000, 60_000, 2);
        Assert.True(bomb.Length < 2_000);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bomb));
        Assert.Equal(ImageDecodeError.TooManyPixels, ex.Error);
        Assert.Contains("60000×60000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PixelCapLowered_RefusesOrdinaryImage()
    {
        var jpeg = SyntheticImages.Jpeg(200, 100, 1);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg, new ImageDecodeOptions { MaxPixels = 10_000 }));
        Assert.Equal(ImageDecodeError.TooManyPixels, ex.Error);
    }

    [Fact]
    public void Decode_PngWithMissingRows_ReportsCorrupt()
    {
        var truncated = PngWithHeader(300, 300, 10);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated));
        Assert.Equal(ImageDecodeError.Corrupt, ex.Error);
    }

    [Fact]
    public void Decode_TruncatedJpeg_ReportsCorrupt()
    {
        var jpeg = SyntheticImages.Jpeg(640, 480, 2);
        var truncated = jpeg.AsSpan(0, jpeg.Length / 2).ToArray();
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(truncated));
        Assert.Equal(ImageDecodeError.Corrupt, ex.Error);
        Assert.Contains("truncated or corrupt", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_JpegCutInsideHeader_IsNotAnImageOrCorrupt()
    {
        var jpeg = SyntheticImages.Jpeg(64, 64, 3);
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg.AsSpan(0, 40).ToArray()));
        Assert.Contains(ex.Error, new[] { ImageDecodeError.Corrupt, ImageDecodeError.NotAnImage });
    }

    [Fact]
    public void Decode_Text_IsNotAnImage()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Encoding.UTF8.GetBytes("this is not an image, just some words")));
        Assert.Equal(ImageDecodeError.NotAnImage, ex.Error);
    }

    [Fact]
    public void Decode_SvgDocument_IsNotAccepted()
    {
        var svg = Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\"><rect width=\"100\" height=\"100\"/></svg>");
        var ex = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(svg));
        Assert.Equal(ImageDecodeError.NotAnImage, ex.Error);
    }

    [Fact]
    public void Decode_Empty_SaysEmpty()
    {
        Assert.Equal(ImageDecodeError.Empty, Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode([])).Error);
    }

    [Fact]
    public void Fingerprint_FileOverSizeCap_RefusedWithoutReading()
    {
        var path = Path.Combine(Path.GetTempPath(), $"haechi-{Guid.NewGuid():N}.jpg");
        File.WriteAllBytes(path, SyntheticImages.Jpeg(300, 200, 4));
        try
        {
            var fingerprinter = new ImageFingerprinter(new ImageDecodeOptions { MaxFileBytes = 1000 });
            var ex = Assert.Throws<ImageDecodeException>(() => fingerprinter.Fingerprint(path));
            Assert.Equal(ImageDecodeError.FileTooLarge, ex.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fingerprint_MissingFile_SaysSo()
    {
        var ex = Assert.Throws<ImageDecodeException>(() => new ImageFingerprinter().Fingerprint("/nonexistent/haechi/photo.jpg"));
        Assert.Equal(ImageDecodeError.Unreadable, ex.Error);
    }

    [Fact]
    public void Fingerprint_OnePixelPng_ZeroHashQualityZero()
    {
        var png = SyntheticImages.Png(1, 1, 5);
        var result = new ImageFingerprinter().Fingerprint(png);
        Assert.Equal(Hash256.Zero, result.Pdq);
        Assert.Equal(0, result.Quality);
    }

    [Fact]
    public void Fingerprint_WideStrip_Hashes()
    {
        var png = SyntheticImages.Png(5000, 10, 6);
        var result = new ImageFingerprinter().Fingerprint(png);
        Assert.Equal(5000, result.Width);
        Assert.False(result.Pdq.IsZero);
    }

    [Fact]
    public void Fingerprint_ReencodedAndResized_StaysWithinMatchThreshold()
    {
        var rgb = SyntheticImages.DrawRgb(1200, 900, 7);
        var original = new ImageFingerprinter().Fingerprint(SyntheticImages.EncodePng(rgb, 1200, 900));
        var lowQuality = new ImageFingerprinter().Fingerprint(SyntheticImages.EncodeJpeg(rgb, 1200, 900, quality: 30));
        Assert.True(original.Quality >= 50, $"quality {original.Quality}");
        Assert.True(Hash256.Distance(original.Pdq, lowQuality.Pdq) <= 31);
    }

    [Fact]
    public void Fingerprint_UnrelatedImages_FarApart()
    {
        var a = new ImageFingerprinter().Fingerprint(SyntheticImages.Jpeg(400, 300, 8));
        var b = new ImageFingerprinter().Fingerprint(SyntheticImages.Jpeg(400, 300, 9));
        Assert.True(Hash256.Distance(a.Pdq, b.Pdq) > 64);
    }

    [Fact]
    public void Fingerprint_FileDigests_MatchBytes()
    {
        var jpeg = SyntheticImages.Jpeg(100, 100, 10);
        var result = new ImageFingerprinter().Fingerprint(jpeg, FingerprintParts.FileDigests | FingerprintParts.Dihedral);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(jpeg)), result.Sha256);
        Assert.Equal(32, result.Md5!.Length);
        Assert.Equal(8, result.Dihedral!.Length);
        Assert.Equal(result.Pdq, result.Dihedral[(int)DihedralTransform.Original]);
    }
}
