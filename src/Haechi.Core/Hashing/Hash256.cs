using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Haechi.Core.Hashing;

/// <summary>
/// A 256-bit binary code: a PDQ hash, a PDQ frame hash of a video, or any other 256-bit signal.
/// </summary>
/// <remarks>
/// Bit <c>k</c> (0..255) is bit <c>k &amp; 63</c> of word <c>k &gt;&gt; 6</c>. PDQ sets bit
/// <c>k = 16·row + column</c> of its 16×16 DCT block. The hexadecimal text is the reference tools'
/// format: 64 lower-case digits, word 3 first and most significant digit first, which is the same
/// as the reference printing its sixteen 16-bit words from the highest down.
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public readonly struct Hash256 : IEquatable<Hash256>
{
    /// <summary>Number of bits in the code.</summary>
    public const int BitCount = 256;

    /// <summary>Number of 64-bit words in the code.</summary>
    public const int WordCount = 4;

    /// <summary>Length of the hexadecimal text form.</summary>
    public const int HexLength = 64;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    /// <summary>Creates a code from its four words, bits 0..63 first.</summary>
    public Hash256(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>Creates a code from exactly four words, bits 0..63 first.</summary>
    public Hash256(ReadOnlySpan<ulong> words)
    {
        if (words.Length != WordCount)
        {
            ThrowHelper.ThrowArgument(nameof(words), "A 256-bit code needs exactly four 64-bit words.");
        }

        _w0 = words[0];
        _w1 = words[1];
        _w2 = words[2];
        _w3 = words[3];
    }

    /// <summary>The all-zero code (also what PDQ returns for images too small to hash).</summary>
    public static Hash256 Zero => default;

    /// <summary>Bits 0..63.</summary>
    public ulong Word0 => _w0;

    /// <summary>Bits 64..127.</summary>
    public ulong Word1 => _w1;

    /// <summary>Bits 128..191.</summary>
    public ulong Word2 => _w2;

    /// <summary>Bits 192..255.</summary>
    public ulong Word3 => _w3;

    /// <summary>True when no bit is set.</summary>
    public bool IsZero => (_w0 | _w1 | _w2 | _w3) == 0;

    /// <summary>Number of set bits.</summary>
    public int PopCount =>
        BitOperations.PopCount(_w0) + BitOperations.PopCount(_w1) +
        BitOperations.PopCount(_w2) + BitOperations.PopCount(_w3);

    /// <summary>Word <paramref name="index"/> (0..3).</summary>
    public ulong this[int index] => index switch
    {
        0 => _w0,
        1 => _w1,
        2 => _w2,
        3 => _w3,
        _ => ThrowHelper.ThrowArgumentOutOfRange<ulong>(nameof(index)),
    };

    /// <summary>Whether bit <paramref name="bit"/> (0..255) is set.</summary>
    public bool GetBit(int bit)
    {
        if ((uint)bit >= BitCount)
        {
            ThrowHelper.ThrowArgumentOutOfRange<bool>(nameof(bit));
        }

        return ((this[bit >> 6] >> (bit & 63)) & 1) != 0;
    }

    /// <summary>The Hamming distance: the number of bits in which the two codes differ (hardware popcount).</summary>
    public static int Distance(in Hash256 a, in Hash256 b) =>
        BitOperations.PopCount(a._w0 ^ b._w0) + BitOperations.PopCount(a._w1 ^ b._w1) +
        BitOperations.PopCount(a._w2 ^ b._w2) + BitOperations.PopCount(a._w3 ^ b._w3);

    /// <summary>The Hamming distance to <paramref name="other"/>.</summary>
    public int DistanceTo(in Hash256 other) => Distance(this, other);

    /// <summary>Writes the four words, bits 0..63 first.</summary>
    public void CopyTo(Span<ulong> destination)
    {
        if (destination.Length < WordCount)
        {
            ThrowHelper.ThrowArgument(nameof(destination), "Destination needs room for four words.");
        }

        destination[0] = _w0;
        destination[1] = _w1;
        destination[2] = _w2;
        destination[3] = _w3;
    }

    /// <summary>The 32 bytes of the code in the order of its hex text (big-endian, word 3 first).</summary>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < 32)
        {
            ThrowHelper.ThrowArgument(nameof(destination), "Destination needs 32 bytes.");
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _w3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w0);
    }

    /// <summary>Reads 32 bytes written by <see cref="WriteBigEndian"/>.</summary>
    public static Hash256 ReadBigEndian(ReadOnlySpan<byte> source)
    {
        if (source.Length < 32)
        {
            ThrowHelper.ThrowArgument(nameof(source), "A 256-bit code needs 32 bytes.");
        }

        return new Hash256(
            BinaryPrimitives.ReadUInt64BigEndian(source[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(source[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(source));
    }

    /// <summary>64 lower-case hexadecimal digits, as the reference tools print.</summary>
    public override string ToString() => string.Create(HexLength, this, static (span, hash) => hash.FormatHex(span));

    /// <summary>Writes the 64 hex digits into <paramref name="destination"/> without allocating.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < HexLength)
        {
            charsWritten = 0;
            return false;
        }

        FormatHex(destination);
        charsWritten = HexLength;
        return true;
    }

    private void FormatHex(Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[32];
        WriteBigEndian(bytes);
        for (var i = 0; i < 32; i++)
        {
            var b = bytes[i];
            destination[2 * i] = HexDigit(b >> 4);
            destination[(2 * i) + 1] = HexDigit(b & 0xF);
        }
    }

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    /// <summary>Parses 64 hexadecimal digits (either case); throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static Hash256 Parse(ReadOnlySpan<char> s)
    {
        if (!TryParse(s, out var hash, out var error))
        {
            throw new FormatException(error);
        }

        return hash;
    }

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    public static Hash256 Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Parses 64 hexadecimal digits (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Hash256 result) => TryParse(s, out result, out _);

    /// <summary>Parses 64 hexadecimal digits and says why the text is not a code when it fails.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Hash256 result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (s.Length != HexLength)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"A 256-bit hash is {HexLength} hexadecimal digits; got {s.Length} characters.");
            return false;
        }

        Span<byte> bytes = stackalloc byte[32];
        for (var i = 0; i < 32; i++)
        {
            var hi = HexValue(s[2 * i]);
            var lo = HexValue(s[(2 * i) + 1]);
            if ((hi | lo) < 0)
            {
                var at = hi < 0 ? 2 * i : (2 * i) + 1;
                error = string.Create(CultureInfo.InvariantCulture, $"A 256-bit hash is hexadecimal; character {at + 1} is not a hexadecimal digit.");
                return false;
            }

            bytes[i] = (byte)((hi << 4) | lo);
        }

        result = ReadBigEndian(bytes);
        error = null;
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <inheritdoc />
    public bool Equals(Hash256 other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Hash256 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    public static bool operator ==(Hash256 left, Hash256 right) => left.Equals(right);

    public static bool operator !=(Hash256 left, Hash256 right) => !left.Equals(right);

    /// <summary>Bitwise exclusive or.</summary>
    public static Hash256 operator ^(Hash256 left, Hash256 right) =>
        new(left._w0 ^ right._w0, left._w1 ^ right._w1, left._w2 ^ right._w2, left._w3 ^ right._w3);
}
