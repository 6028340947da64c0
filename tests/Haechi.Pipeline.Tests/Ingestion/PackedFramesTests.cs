using Haechi.Core.Hashing;
using Haechi.Core.Video;
using Haechi.Pipeline.Ingestion;

namespace Haechi.Pipeline.Tests.Ingestion;

/// <summary>The stored layout of a video's vPDQ frames (<c>ingest_items.frames</c>).</summary>
public sealed class PackedFramesTests
{
    [Fact]
    public void Pack_Unpack_RoundTrips()
    {
        var frames = new[]
        {
            new VpdqFrame(0, 90, Hash256.Parse(new string('a', 64)), 0.0),
            new VpdqFrame(7, 55, Hash256.Parse("0123456789abcdef" + new string('3', 48)), 7.5),
            new VpdqFrame(int.MaxValue, 0, Hash256.Parse(new string('f', 64)), 3599.25),
        };
        Assert.Equal(frames, PackedFrames.Unpack(PackedFrames.Pack(frames)));
        Assert.Empty(PackedFrames.Unpack(PackedFrames.Pack([])));
    }

    [Fact]
    public void Pack_Layout_Is48BytesPerFrame_LittleEndianNumbers_BigEndianHash()
    {
        var packed = PackedFrames.Pack([new VpdqFrame(1, 2, Hash256.Parse("ff" + new string('0', 62)), 1.0)]);
        Assert.Equal(48, packed.Length);
        Assert.Equal<byte>([1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0], packed.AsSpan(0, 10).ToArray());
        Assert.Equal(BitConverter.GetBytes(1.0), packed.AsSpan(40, 8).ToArray());
    }

    [Fact]
    public void Unpack_NotAWholeNumberOfFrames_Refused()
    {
        Assert.Throws<ArgumentException>(() => PackedFrames.Unpack(new byte[5]));
        Assert.Throws<ArgumentException>(() => PackedFrames.Unpack(new byte[49]));
    }
}
