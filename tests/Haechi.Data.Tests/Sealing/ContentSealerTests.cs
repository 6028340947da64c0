using System.Security.Cryptography;
using System.Text;
using Haechi.Data.Sealing;

namespace Haechi.Data.Tests.Sealing;

public sealed class ContentSealerTests
{
    private static readonly byte[] Context = Encoding.UTF8.GetBytes("evidence:42");

    private static ContentSealer Sealer(int current = 1, params int[] ids)
    {
        var keys = new Dictionary<int, byte[]>();
        foreach (var id in ids.Length == 0 ? [current] : ids)
        {
            keys[id] = RandomNumberGenerator.GetBytes(ContentSealer.KeyLength);
        }

        return new ContentSealer(keys, current);
    }

    [Fact]
    public void Open_SealedContent_RoundTripsAndHidesThePlaintext()
    {
        var sealer = Sealer();
        var content = Encoding.UTF8.GetBytes("a screenshot's bytes, repeated repeated repeated");
        var sealedBlob = sealer.Seal(content, Context);
        Assert.Equal(content.Length + ContentSealer.Overhead, sealedBlob.Length);
        Assert.Equal(-1, sealedBlob.AsSpan().IndexOf("repeated"u8));
        Assert.Equal(content, sealer.Open(sealedBlob, Context));
    }

    [Fact]
    public void Seal_SameContentTwice_DifferentBlobs() =>
        Assert.NotEqual(Sealer().Seal([1, 2, 3], Context), Sealer().Seal([1, 2, 3], Context));

    [Fact]
    public void Open_OtherContext_Refused()
    {
        var sealer = Sealer();
        var sealedBlob = sealer.Seal([1, 2, 3], Context);
        Assert.Throws<SealedContentException>(() => sealer.Open(sealedBlob, "evidence:43"u8));
    }

    [Fact]
    public void Open_FlippedBit_Refused()
    {
        var sealer = Sealer();
        var sealedBlob = sealer.Seal(new byte[100], Context);
        sealedBlob[^7] ^= 0x10;
        Assert.Throws<SealedContentException>(() => sealer.Open(sealedBlob, Context));
    }

    [Fact]
    public void Open_TruncatedOrUnknownKey_ClearError()
    {
        var sealer = Sealer();
        Assert.Throws<SealedContentException>(() => sealer.Open(new byte[10], Context));
        var other = Sealer(7);
        var sealedBlob = other.Seal([1], Context);
        Assert.Equal(7, ContentSealer.KeyIdOf(sealedBlob));
        var error = Assert.Throws<SealedContentException>(() => sealer.Open(sealedBlob, Context));
        Assert.Contains("key 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AfterRotation_OldBlobsStillOpen()
    {
        var keys = new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) };
        var before = new ContentSealer(keys, 1).Seal([9, 9], Context);
        keys[2] = RandomNumberGenerator.GetBytes(32);
        var after = new ContentSealer(keys, 2);
        Assert.Equal(2, ContentSealer.KeyIdOf(after.Seal([1], Context)));
        Assert.Equal(new byte[] { 9, 9 }, after.Open(before, Context));
    }

    [Fact]
    public void Constructor_WrongKeyLengthOrMissingCurrent_Refused()
    {
        Assert.Throws<ArgumentException>(() => new ContentSealer(new Dictionary<int, byte[]> { [1] = new byte[16] }, 1));
        Assert.Throws<ArgumentException>(() => new ContentSealer(new Dictionary<int, byte[]> { [1] = new byte[32] }, 2));
    }
}
