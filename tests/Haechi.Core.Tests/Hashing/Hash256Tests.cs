using FsCheck.Xunit;
using Haechi.Core.Hashing;

namespace Haechi.Core.Tests.Hashing;

public sealed class Hash256Tests
{
    [Fact]
    public void ToString_BitZero_IsLowestBitOfLastDigit()
    {
        var hash = new Hash256(1, 0, 0, 0);
        Assert.Equal(new string('0', 63) + "1", hash.ToString());
        Assert.True(hash.GetBit(0));
        Assert.False(hash.GetBit(1));
    }

    [Fact]
    public void ToString_BitTwoHundredFiftyFive_IsHighestBitOfFirstDigit()
    {
        var hash = new Hash256(0, 0, 0, 1UL << 63);
        Assert.Equal("8" + new string('0', 63), hash.ToString());
        Assert.True(hash.GetBit(255));
    }

    [Fact]
    public void Parse_ReferenceHash_RoundTrips()
    {
        const string Text = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
        var hash = Hash256.Parse(Text);
        Assert.Equal(Text, hash.ToString());
        Assert.Equal(Hash256.Parse(Text.ToUpperInvariant()), hash);
        Assert.Equal(0x33e6339c4e9c9b22UL, hash.Word0);
        Assert.Equal(0xd8f8f0cee0f4a84fUL, hash.Word3);
    }

    [Theory]
    [InlineData("", "got 0 characters")]
    [InlineData("abc", "got 3 characters")]
    [InlineData("g8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22", "character 1 is not")]
    [InlineData("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2 ", "character 64 is not")]
    [InlineData("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2200", "got 66 characters")]
    public void TryParse_Malformed_ReportsWhy(string text, string reason)
    {
        Assert.False(Hash256.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Hash256.Parse(text));
    }

    [Property]
    public bool Distance_AnyTwoCodes_EqualsBitByBitCount(ulong a0, ulong a1, ulong a2, ulong a3, ulong b0, ulong b1, ulong b2, ulong b3)
    {
        var a = new Hash256(a0, a1, a2, a3);
        var b = new Hash256(b0, b1, b2, b3);
        var naive = 0;
        for (var k = 0; k < 256; k++)
        {
            naive += a.GetBit(k) == b.GetBit(k) ? 0 : 1;
        }

        return Hash256.Distance(a, b) == naive && a.DistanceTo(b) == naive && Hash256.Parse(a.ToString()) == a;
    }

    [Fact]
    public void ReadBigEndian_WrittenBytes_RoundTrips()
    {
        var hash = Hash256.Parse("30a10efdf1c83f429013d48d0ffffc52e34e0e35ada952a9d29605215aa9e5af");
        var bytes = new byte[32];
        hash.WriteBigEndian(bytes);
        Assert.Equal(0x30, bytes[0]);
        Assert.Equal(0xaf, bytes[31]);
        Assert.Equal(hash, Hash256.ReadBigEndian(bytes));
    }
}
