using System.Buffers.Binary;
using System.Numerics;

namespace Haechi.Core.Hashing;

/// <summary>
/// MD5 (RFC 1321), incremental. Exact-copy signal only: MD5 is broken for security, but hash lists
/// of known files use it, and <c>System.Security.Cryptography.MD5</c> is not available in the
/// browser, where victims hash their photos. Not thread-safe.
/// </summary>
public sealed class Md5
{
    /// <summary>Digest length in bytes.</summary>
    public const int HashSizeInBytes = 16;

    /// <summary>Digest length as lower-case hex.</summary>
    public const int HexLength = 32;

    private const int BlockSize = 64;

    // Per-round shift amounts (RFC 1321 section 3.4).
    private static readonly int[] Shifts =
    [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];

    // T[i] = floor(2^32 * |sin(i + 1)|).
    private static readonly uint[] T =
    [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ];

    private readonly byte[] _buffer = new byte[BlockSize];
    private uint _a;
    private uint _b;
    private uint _c;
    private uint _d;
    private int _buffered;
    private long _length;

    /// <summary>Starts an empty digest.</summary>
    public Md5() => Reset();

    /// <summary>The MD5 of <paramref name="data"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var md5 = new Md5();
        md5.Append(data);
        var digest = new byte[HashSizeInBytes];
        md5.GetHashAndReset(digest);
        return digest;
    }

    /// <summary>Adds bytes to the digest.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_buffered > 0)
        {
            var take = Math.Min(BlockSize - _buffered, data.Length);
            data[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered < BlockSize)
            {
                return;
            }

            Block(_buffer);
            _buffered = 0;
        }

        while (data.Length >= BlockSize)
        {
            Block(data[..BlockSize]);
            data = data[BlockSize..];
        }

        data.CopyTo(_buffer);
        _buffered = data.Length;
    }

    /// <summary>Writes the 16-byte digest of everything appended and starts over.</summary>
    public void GetHashAndReset(Span<byte> destination)
    {
        if (destination.Length < HashSizeInBytes)
        {
            ThrowHelper.ThrowArgument(nameof(destination), "The destination must hold 16 bytes.");
        }

        var bits = (ulong)_length * 8;
        Span<byte> padding = stackalloc byte[BlockSize + 8];
        padding.Clear();
        padding[0] = 0x80;
        var padLength = (_buffered < 56 ? 56 : 120) - _buffered;
        BinaryPrimitives.WriteUInt64LittleEndian(padding.Slice(padLength, 8), bits);
        Append(padding[..(padLength + 8)]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], _b);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], _c);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], _d);
        Reset();
    }

    private void Reset()
    {
        _a = 0x67452301;
        _b = 0xefcdab89;
        _c = 0x98badcfe;
        _d = 0x10325476;
        _buffered = 0;
        _length = 0;
    }

    private void Block(ReadOnlySpan<byte> block)
    {
        Span<uint> x = stackalloc uint[16];
        for (var i = 0; i < 16; i++)
        {
            x[i] = BinaryPrimitives.ReadUInt32LittleEndian(block[(i * 4)..]);
        }

        uint a = _a, b = _b, c = _c, d = _d;
        for (var i = 0; i < 64; i++)
        {
            uint f;
            int g;
            switch (i >> 4)
            {
                case 0:
                    f = (b & c) | (~b & d);
                    g = i;
                    break;
                case 1:
                    f = (d & b) | (~d & c);
                    g = ((5 * i) + 1) & 15;
                    break;
                case 2:
                    f = b ^ c ^ d;
                    g = ((3 * i) + 5) & 15;
                    break;
                default:
                    f = c ^ (b | ~d);
                    g = (7 * i) & 15;
                    break;
            }

            var rotated = BitOperations.RotateLeft(a + f + T[i] + x[g], Shifts[i]);
            a = d;
            d = c;
            c = b;
            b += rotated;
        }

        _a += a;
        _b += b;
        _c += c;
        _d += d;
    }
}
