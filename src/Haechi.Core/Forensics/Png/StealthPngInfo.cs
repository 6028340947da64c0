using System.IO.Compression;
using System.Text;

namespace Haechi.Core.Forensics.Png;

/// <summary>What an alpha-channel stealth payload held.</summary>
/// <param name="Magic">The signature found (<c>stealth_pnginfo</c> or <c>stealth_pngcomp</c>).</param>
/// <param name="Text">The decoded text (UTF-8), bounded.</param>
/// <param name="Truncated">True when the payload was cut at the cap.</param>
public sealed record StealthPayload(string Magic, string Text, bool Truncated);

/// <summary>
/// Reads the "stealth" metadata that NovelAI and the A1111 stealth-pnginfo extension hide in the
/// least significant bits of the alpha channel, so that it survives metadata stripping.
/// </summary>
/// <remarks>
/// Layout: bits are read column by column (x outer, y inner), one bit per pixel from alpha's LSB,
/// most significant bit first. 15 bytes of magic (<c>stealth_pnginfo</c> = plain UTF-8,
/// <c>stealth_pngcomp</c> = gzip), a 32-bit big-endian payload length in <b>bits</b>, then the
/// payload. Any re-encode that touches alpha (JPEG, resizing, flattening) destroys it.
/// </remarks>
public static class StealthPngInfo
{
    /// <summary>Magic for a plain payload.</summary>
    public const string PlainMagic = "stealth_pnginfo";

    /// <summary>Magic for a gzip payload.</summary>
    public const string CompressedMagic = "stealth_pngcomp";

    private const int MagicBytes = 15;

    /// <summary>Looks for a payload in an 8-bit alpha plane of <paramref name="width"/> × <paramref name="height"/> (row-major).</summary>
    /// <returns>The payload, or null when the magic is absent.</returns>
    /// <exception cref="ForensicFormatException">The magic is present but the payload is malformed.</exception>
    public static StealthPayload? Read(ReadOnlySpan<byte> alpha, int width, int height, int maxPayloadBytes = 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        var pixels = (long)width * height;
        if (alpha.Length < pixels)
        {
            ThrowHelper.ThrowArgument(nameof(alpha), "The alpha plane is smaller than width × height.");
        }

        if (pixels < (MagicBytes + 4) * 8)
        {
            return null;
        }

        var cursor = new BitCursor(width, height);
        Span<byte> magic = stackalloc byte[MagicBytes];
        for (var i = 0; i < MagicBytes; i++)
        {
            magic[i] = cursor.ReadByte(alpha);
        }

        var magicText = Encoding.ASCII.GetString(magic);
        var compressed = magicText == CompressedMagic;
        if (!compressed && magicText != PlainMagic)
        {
            return null;
        }

        uint bitLength = 0;
        for (var i = 0; i < 32; i++)
        {
            bitLength = (bitLength << 1) | cursor.ReadBit(alpha);
        }

        var available = pixels - cursor.Position;
        if (bitLength > available)
        {
            throw new ForensicFormatException($"The stealth payload declares {bitLength} bits but only {available} pixels remain.");
        }

        var byteLength = (int)(bitLength / 8);
        var truncated = false;
        if (!compressed && byteLength > maxPayloadBytes)
        {
            byteLength = maxPayloadBytes;
            truncated = true;
        }

        var payload = new byte[byteLength];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = cursor.ReadByte(alpha);
        }

        if (compressed)
        {
            payload = Gunzip(payload, maxPayloadBytes, out truncated);
        }

        return new StealthPayload(magicText, Encoding.UTF8.GetString(payload), truncated);
    }

    private static byte[] Gunzip(byte[] data, int maxBytes, out bool truncated)
    {
        truncated = false;
        try
        {
            using var input = new MemoryStream(data, writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                var keep = (int)Math.Min(read, maxBytes - output.Length);
                output.Write(buffer, 0, keep);
                if (output.Length >= maxBytes)
                {
                    truncated = true;
                    break;
                }
            }

            return output.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new ForensicFormatException("The stealth_pngcomp payload is not valid gzip data.", ex);
        }
    }

    /// <summary>Walks pixels column-major and yields alpha LSBs.</summary>
    private struct BitCursor(int width, int height)
    {
        private int _x;
        private int _y;

        public long Position { get; private set; }

        public uint ReadBit(ReadOnlySpan<byte> alpha)
        {
            var bit = (uint)(alpha[(_y * width) + _x] & 1);
            Position++;
            if (++_y == height)
            {
                _y = 0;
                _x++;
            }

            return bit;
        }

        public byte ReadByte(ReadOnlySpan<byte> alpha)
        {
            uint value = 0;
            for (var i = 0; i < 8; i++)
            {
                value = (value << 1) | ReadBit(alpha);
            }

            return (byte)value;
        }
    }
}
