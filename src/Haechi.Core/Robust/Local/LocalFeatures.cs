using System.Buffers.Binary;
using Haechi.Core.Hashing;

namespace Haechi.Core.Robust.Local;

/// <summary>
/// The local features of one image: up to <see cref="LocalFeatureExtractor.MaxRegisteredFeatures"/>
/// keypoints, each a 256-bit descriptor and a position quantised to 1/16 pixel in the image scaled
/// to a long side of <see cref="LocalFeatureExtractor.WorkingSide"/> pixels.
/// </summary>
public sealed class LocalFeatures
{
    /// <summary>Bytes per stored keypoint: 32 of descriptor, 2 + 2 of position.</summary>
    public const int BytesPerFeature = 36;

    /// <summary>Position units per pixel of the working image.</summary>
    public const int PositionScale = 16;

    /// <summary>Creates features from parallel arrays (descriptors and x, y pairs).</summary>
    public LocalFeatures(Hash256[] descriptors, ushort[] positions)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Length != descriptors.Length * 2)
        {
            ThrowHelper.ThrowArgument(nameof(positions), "Two position values per descriptor.");
        }

        Descriptors = descriptors;
        Positions = positions;
    }

    /// <summary>No features.</summary>
    public static LocalFeatures Empty { get; } = new([], []);

    /// <summary>The descriptors.</summary>
    public Hash256[] Descriptors { get; }

    /// <summary>x0, y0, x1, y1, ... in 1/<see cref="PositionScale"/> pixel.</summary>
    public ushort[] Positions { get; }

    /// <summary>Number of keypoints.</summary>
    public int Count => Descriptors.Length;

    /// <summary>Size of <see cref="ToBytes"/>.</summary>
    public int ByteCount => Count * BytesPerFeature;

    /// <summary>
    /// Position step (in working-image pixels) kept for a victim's on-device registration: 2 px, a third
    /// of the RANSAC inlier tolerance (6 px), so matching loses nothing measurable while the stored
    /// layout is coarser than what the extractor computed.
    /// </summary>
    public const int VictimPositionStep = 2;

    /// <summary>
    /// The minimum to keep for a victim: the first <paramref name="maxFeatures"/> keypoints (the
    /// extractor emits the strongest of each pyramid level first) with positions rounded to
    /// <paramref name="positionStepPixels"/> working-image pixels. A server applies it again to
    /// whatever a device sends, so a modified client cannot make it keep more.
    /// </summary>
    public LocalFeatures Minimise(int maxFeatures, int positionStepPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(positionStepPixels);
        var count = Math.Min(Count, maxFeatures);
        var step = positionStepPixels * PositionScale;
        var descriptors = Descriptors.AsSpan(0, count).ToArray();
        var positions = new ushort[count * 2];
        for (var i = 0; i < positions.Length; i++)
        {
            positions[i] = (ushort)Math.Min(ushort.MaxValue / step * step, (Positions[i] + (step / 2)) / step * step);
        }

        return new LocalFeatures(descriptors, positions);
    }

    /// <summary>Serialises as <see cref="BytesPerFeature"/> bytes per keypoint: four little-endian ulongs then x, y.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[ByteCount];
        var span = bytes.AsSpan();
        for (var i = 0; i < Count; i++)
        {
            var d = Descriptors[i];
            var o = span.Slice(i * BytesPerFeature, BytesPerFeature);
            BinaryPrimitives.WriteUInt64LittleEndian(o, d.Word0);
            BinaryPrimitives.WriteUInt64LittleEndian(o[8..], d.Word1);
            BinaryPrimitives.WriteUInt64LittleEndian(o[16..], d.Word2);
            BinaryPrimitives.WriteUInt64LittleEndian(o[24..], d.Word3);
            BinaryPrimitives.WriteUInt16LittleEndian(o[32..], Positions[i * 2]);
            BinaryPrimitives.WriteUInt16LittleEndian(o[34..], Positions[(i * 2) + 1]);
        }

        return bytes;
    }

    /// <summary>Reads what <see cref="ToBytes"/> wrote.</summary>
    public static LocalFeatures FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % BytesPerFeature != 0)
        {
            ThrowHelper.ThrowArgument(nameof(bytes), "Local features are 36 bytes per keypoint.");
        }

        var count = bytes.Length / BytesPerFeature;
        var descriptors = new Hash256[count];
        var positions = new ushort[count * 2];
        for (var i = 0; i < count; i++)
        {
            var o = bytes.Slice(i * BytesPerFeature, BytesPerFeature);
            descriptors[i] = new Hash256(
                BinaryPrimitives.ReadUInt64LittleEndian(o),
                BinaryPrimitives.ReadUInt64LittleEndian(o[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(o[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(o[24..]));
            positions[i * 2] = BinaryPrimitives.ReadUInt16LittleEndian(o[32..]);
            positions[(i * 2) + 1] = BinaryPrimitives.ReadUInt16LittleEndian(o[34..]);
        }

        return new LocalFeatures(descriptors, positions);
    }
}
