using System.Buffers.Binary;
using Haechi.Core.Hashing;
using Haechi.Core.Video;
using Haechi.Data.Ingestion;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// How a video's vPDQ frames are stored in <see cref="IngestItemRecord.Frames"/>: one 48-byte record
/// per frame, frame number (int32 little-endian), quality (int32 little-endian), PDQ hash (32 bytes
/// big-endian), timestamp in seconds (float64 little-endian). Stored data: never change the layout.
/// </summary>
public static class PackedFrames
{
    /// <summary>Bytes per frame.</summary>
    public const int RecordLength = 4 + 4 + 32 + 8;

    /// <summary>Packs <paramref name="frames"/> in order.</summary>
    public static byte[] Pack(IReadOnlyList<VpdqFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var packed = new byte[frames.Count * RecordLength];
        for (var i = 0; i < frames.Count; i++)
        {
            var span = packed.AsSpan(i * RecordLength, RecordLength);
            BinaryPrimitives.WriteInt32LittleEndian(span, frames[i].FrameNumber);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], frames[i].Quality);
            frames[i].Hash.WriteBigEndian(span.Slice(8, 32));
            BinaryPrimitives.WriteDoubleLittleEndian(span[40..], frames[i].Timestamp);
        }

        return packed;
    }

    /// <summary>Unpacks what <see cref="Pack"/> wrote; throws <see cref="ArgumentException"/> on a length that is not a whole number of records.</summary>
    public static VpdqFrame[] Unpack(ReadOnlySpan<byte> packed)
    {
        if (packed.Length % RecordLength != 0)
        {
            throw new ArgumentException("Not a packed frame list.", nameof(packed));
        }

        var frames = new VpdqFrame[packed.Length / RecordLength];
        for (var i = 0; i < frames.Length; i++)
        {
            var span = packed.Slice(i * RecordLength, RecordLength);
            frames[i] = new VpdqFrame(
                BinaryPrimitives.ReadInt32LittleEndian(span),
                BinaryPrimitives.ReadInt32LittleEndian(span[4..]),
                Hash256.ReadBigEndian(span.Slice(8, 32)),
                BinaryPrimitives.ReadDoubleLittleEndian(span[40..]));
        }

        return frames;
    }
}
