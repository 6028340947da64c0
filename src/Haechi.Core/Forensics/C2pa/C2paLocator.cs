using System.Buffers.Binary;
using Haechi.Core.Forensics.Jpeg;
using Haechi.Core.Forensics.Png;

namespace Haechi.Core.Forensics.C2pa;

/// <summary>Where a C2PA manifest store sits in a file.</summary>
/// <param name="Store">The JUMBF bytes of the store (reassembled from APP11 segments for JPEG).</param>
/// <param name="Container">Where it was found (<c>JPEG APP11</c>, <c>PNG caBX</c>).</param>
public sealed record C2paStoreLocation(byte[] Store, string Container);

/// <summary>Finds the C2PA manifest store: JPEG APP11 JUMBF segments (ISO 19566-5 Annex) or the PNG <c>caBX</c> chunk.</summary>
public static class C2paLocator
{
    /// <summary>Largest store reassembled (bytes).</summary>
    public const int MaxStoreBytes = 32 * 1024 * 1024;

    /// <summary>The store, or null when the file has none.</summary>
    /// <exception cref="ForensicFormatException">APP11 segments are inconsistent or too large.</exception>
    public static C2paStoreLocation? Find(ReadOnlySpan<byte> file)
    {
        if (PngChunkReader.IsPng(file))
        {
            var png = PngChunkReader.Read(file, new PngReadLimits(DecodeText: false));
            foreach (var chunk in png.Chunks)
            {
                if (chunk.Type == "caBX")
                {
                    return new C2paStoreLocation(file.Slice((int)chunk.DataOffset, chunk.Length).ToArray(), "PNG caBX");
                }
            }

            return null;
        }

        if (JpegMarkerReader.IsJpeg(file))
        {
            return FindInJpeg(file, JpegMarkerReader.Read(file));
        }

        return null;
    }

    private static C2paStoreLocation? FindInJpeg(ReadOnlySpan<byte> file, JpegStructure jpeg)
    {
        // APP11 "JP" segments: CI (2) En (2) Z (4), then the box; segments after the first repeat the 8-byte box header.
        var parts = new SortedDictionary<uint, (int Offset, int Length)>();
        ushort? instance = null;
        foreach (var segment in jpeg.Segments)
        {
            if (segment.Marker != 0xEB || segment.Length < 8 + 8)
            {
                continue;
            }

            var payload = file.Slice((int)segment.PayloadOffset, segment.Length);
            if (payload[0] != (byte)'J' || payload[1] != (byte)'P')
            {
                continue;
            }

            var en = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
            var z = BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
            if (instance is null)
            {
                if (payload.Slice(8 + 4, 4).SequenceEqual("jumb"u8))
                {
                    instance = en;
                }
                else
                {
                    continue;
                }
            }

            if (en != instance)
            {
                continue;
            }

            if (!parts.TryAdd(z, ((int)segment.PayloadOffset + 8, segment.Length - 8)))
            {
                throw new ForensicFormatException("Two APP11 segments carry the same JUMBF sequence number.");
            }
        }

        if (parts.Count == 0)
        {
            return null;
        }

        var store = new List<byte>();
        var first = true;
        foreach (var (_, (offset, length)) in parts)
        {
            var part = file.Slice(offset, length);
            if (!first)
            {
                part = part[8..];
            }

            if (store.Count + part.Length > MaxStoreBytes)
            {
                throw new ForensicFormatException("The C2PA manifest store is larger than 32 MiB.");
            }

            store.AddRange(part);
            first = false;
        }

        return new C2paStoreLocation([.. store], "JPEG APP11");
    }
}
