namespace Haechi.Pipeline.Fetching;

/// <summary>What the first bytes of a body say it is.</summary>
public enum SniffedKind
{
    /// <summary>Neither media nor HTML.</summary>
    Unknown,

    /// <summary>JPEG, PNG, GIF, WebP, BMP, TIFF, AVIF or HEIF.</summary>
    Image,

    /// <summary>MP4/MOV (ISO BMFF), WebM/Matroska or AVI.</summary>
    Video,

    /// <summary>An HTML document.</summary>
    Html,
}

/// <summary>
/// Decides what a body is from its leading bytes (magic numbers), never from the declared
/// Content-Type alone: hosts label images as text/plain and pages as images.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int PrefixLength = 512;

    /// <summary>Classifies a body by its first bytes; <paramref name="declaredType"/> only breaks ties for HTML.</summary>
    public static SniffedKind Sniff(ReadOnlySpan<byte> head, string? declaredType = null)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
            || head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)
            || head.StartsWith("BM"u8)
            || head.StartsWith((ReadOnlySpan<byte>)[(byte)'I', (byte)'I', 0x2A, 0x00])
            || head.StartsWith((ReadOnlySpan<byte>)[(byte)'M', (byte)'M', 0x00, 0x2A]))
        {
            return SniffedKind.Image;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var form = head.Slice(8, 4);
            if (form.SequenceEqual("WEBP"u8))
            {
                return SniffedKind.Image;
            }

            if (form.SequenceEqual("AVI "u8))
            {
                return SniffedKind.Video;
            }
        }

        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = head.Slice(8, 4);
            return brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8) || brand.SequenceEqual("heic"u8)
                || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8)
                ? SniffedKind.Image
                : SniffedKind.Video;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return SniffedKind.Video;
        }

        return LooksLikeHtml(head, declaredType) ? SniffedKind.Html : SniffedKind.Unknown;
    }

    private static bool LooksLikeHtml(ReadOnlySpan<byte> head, string? declaredType)
    {
        if (declaredType is not null && (declaredType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            || declaredType.StartsWith("application/xhtml+xml", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        // WHATWG MIME sniffing: skip a BOM and whitespace, then look for an HTML tag.
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        var start = 0;
        while (start < head.Length && head[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f')
        {
            start++;
        }

        head = head[start..];
        ReadOnlySpan<string> tags = ["<!doctype html", "<html", "<head", "<body", "<!--", "<script", "<title", "<div", "<p", "<a ", "<img", "<table"];
        foreach (var tag in tags)
        {
            if (StartsWithIgnoreCase(head, tag))
            {
                return true;
            }
        }

        return false;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> head, string tag)
    {
        if (head.Length < tag.Length)
        {
            return false;
        }

        for (var i = 0; i < tag.Length; i++)
        {
            var b = head[i];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b = (byte)(b + 32);
            }

            if (b != tag[i])
            {
                return false;
            }
        }

        return true;
    }
}
