using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Haechi.Core.Forensics.Png;
using Haechi.Media.Images;
using NetVips;
using VipsImage = NetVips.Image;

namespace Haechi.Media.Tests.Forensics;

/// <summary>Synthetic test files with known provenance records, built in code.</summary>
internal static class ForensicSamples
{
    public const string A1111Parameters = "a lighthouse at dusk\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234, Size: 96x64, Model hash: 0123abcd";

    public static byte[] PngWithText(params byte[][] chunks) => PngChunkWriter.InsertAfterHeader(SyntheticImages.Png(96, 64, 7), chunks);

    /// <summary>An RGBA PNG whose alpha LSBs hide <paramref name="text"/> (column-major, NovelAI layout).</summary>
    public static byte[] RgbaPngWithStealth(int width, int height, string? text, bool compress)
    {
        var rgb = SyntheticImages.DrawRgb(width, height, 11);
        var alpha = text is null ? Enumerable.Repeat((byte)255, width * height).ToArray() : StealthAlpha(width, height, text, compress);
        var rgba = new byte[width * height * 4];
        for (var i = 0; i < width * height; i++)
        {
            rgba[(4 * i) + 0] = rgb[(3 * i) + 0];
            rgba[(4 * i) + 1] = rgb[(3 * i) + 1];
            rgba[(4 * i) + 2] = rgb[(3 * i) + 2];
            rgba[(4 * i) + 3] = alpha[i];
        }

        using var image = VipsImage.NewFromMemory(rgba, width, height, 4, Enums.BandFormat.Uchar);
        return image.PngsaveBuffer();
    }

    private static byte[] StealthAlpha(int width, int height, string text, bool compress)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        if (compress)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(payload);
            }

            payload = output.ToArray();
        }

        var bits = new List<int>();
        void Add(byte b)
        {
            for (var i = 7; i >= 0; i--)
            {
                bits.Add((b >> i) & 1);
            }
        }

        foreach (var b in Encoding.ASCII.GetBytes(compress ? StealthPngInfo.CompressedMagic : StealthPngInfo.PlainMagic))
        {
            Add(b);
        }

        var length = (uint)payload.Length * 8;
        for (var i = 31; i >= 0; i--)
        {
            bits.Add((int)((length >> i) & 1));
        }

        foreach (var b in payload)
        {
            Add(b);
        }

        var alpha = Enumerable.Repeat((byte)255, width * height).ToArray();
        for (var k = 0; k < bits.Count; k++)
        {
            alpha[((k % height) * width) + (k / height)] = (byte)(254 | bits[k]);
        }

        return alpha;
    }

    /// <summary>Inserts APP segments right after SOI.</summary>
    public static byte[] JpegWithSegments(byte[] jpeg, params byte[][] segments)
    {
        var output = new List<byte>(jpeg.Length + 4096) { 0xFF, 0xD8 };
        foreach (var segment in segments)
        {
            output.AddRange(segment);
        }

        output.AddRange(jpeg.AsSpan(2));
        return [.. output];
    }

    public static byte[] Segment(byte marker, byte[] payload)
    {
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return segment;
    }

    /// <summary>An APP1 XMP segment declaring the IPTC digital source type <paramref name="code"/>.</summary>
    public static byte[] XmpDigitalSourceType(string code, string creatorTool = "Test Generator 1.0") => Segment(0xE1, [.. Encoding.ASCII.GetBytes("http://ns.adobe.com/xap/1.0/\0"), .. Encoding.UTF8.GetBytes(
        "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>" +
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
        "<rdf:Description rdf:about=\"\" xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"" +
        " Iptc4xmpExt:DigitalSourceType=\"http://cv.iptc.org/newscodes/digitalsourcetype/" + code + "\" xmp:CreatorTool=\"" + creatorTool + "\"/>" +
        "</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>")]);

    /// <summary>An APP1 EXIF segment with IFD0 Software and an Exif IFD UserComment (ASCII).</summary>
    public static byte[] ExifSegment(string software, string userComment)
    {
        // TIFF header (little-endian), IFD0 with 2 entries (Software, ExifIFD pointer), Exif IFD with 1 entry.
        var softwareBytes = Encoding.ASCII.GetBytes(software + "\0");
        byte[] comment = [.. "ASCII\0\0\0"u8, .. Encoding.ASCII.GetBytes(userComment)];
        var tiff = new List<byte>();
        void U16(int v) => tiff.AddRange(BitConverter.GetBytes((ushort)v));
        void U32(int v) => tiff.AddRange(BitConverter.GetBytes((uint)v));
        const int Ifd0 = 8, Ifd0Size = 2 + (2 * 12) + 4, ExifIfd = Ifd0 + Ifd0Size, ExifIfdSize = 2 + 12 + 4, Data = ExifIfd + ExifIfdSize;
        tiff.AddRange("II"u8.ToArray());
        U16(42);
        U32(Ifd0);
        U16(2);
        U16(0x0131);
        U16(2);
        U32(softwareBytes.Length);
        U32(Data);
        U16(0x8769);
        U16(4);
        U32(1);
        U32(ExifIfd);
        U32(0);
        U16(1);
        U16(0x9286);
        U16(7);
        U32(comment.Length);
        U32(Data + softwareBytes.Length);
        U32(0);
        tiff.AddRange(softwareBytes);
        tiff.AddRange(comment);
        return Segment(0xE1, [.. "Exif\0\0"u8, .. tiff]);
    }
}
