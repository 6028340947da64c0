using System.Security.Cryptography;
using System.Text;
using Haechi.Core.Hashing;

namespace Haechi.Core.Tests.Hashing;

public sealed class Md5Tests
{
    // RFC 1321, appendix A.5.
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void HashData_RfcTestSuite_MatchesRfcDigest(string message, string expected)
    {
        var digest = Md5.HashData(Encoding.ASCII.GetBytes(message));

        Assert.Equal(expected, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Append_AnyLengthInAnyChunks_EqualsPlatformMd5()
    {
        var random = new Random(7);
        foreach (var length in new[] { 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 65_537 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var md5 = new Md5();
            var offset = 0;
            while (offset < length)
            {
                var chunk = Math.Min(length - offset, random.Next(1, 200));
                md5.Append(data.AsSpan(offset, chunk));
                offset += chunk;
            }

            var digest = new byte[Md5.HashSizeInBytes];
            md5.GetHashAndReset(digest);

#pragma warning disable CA5351 // The platform MD5 is the oracle here.
            Assert.Equal(MD5.HashData(data), digest);
#pragma warning restore CA5351
        }
    }

    [Fact]
    public void GetHashAndReset_Reused_StartsOver()
    {
        var md5 = new Md5();
        md5.Append("abc"u8);
        var first = new byte[16];
        md5.GetHashAndReset(first);
        md5.Append("abc"u8);
        var second = new byte[16];
        md5.GetHashAndReset(second);

        Assert.Equal(first, second);
    }
}
