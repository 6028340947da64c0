using System.Globalization;
using Haechi.Core.Hashing;

namespace Haechi.Core.Video;

/// <summary>
/// The text form of a vPDQ hash, as upstream's <c>vpdq-hash-video</c> writes it: one line per
/// hashed frame, <c>frame_number,quality,pdq_hash_hex,timestamp_seconds</c>, the timestamp with
/// three decimals, no header.
/// </summary>
public static class VpdqFormat
{
    /// <summary>Formats one frame as a line (without the newline).</summary>
    public static string FormatLine(in VpdqFrame frame) =>
        string.Create(CultureInfo.InvariantCulture, $"{frame.FrameNumber},{frame.Quality},{frame.Hash},{frame.Timestamp:F3}");

    /// <summary>Writes one line per frame.</summary>
    public static void Write(TextWriter writer, IEnumerable<VpdqFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(frames);
        foreach (var frame in frames)
        {
            writer.WriteLine(FormatLine(frame));
        }
    }

    /// <summary>Parses one line; says why it is not a vPDQ line when it fails.</summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, out VpdqFrame frame, out string? error)
    {
        frame = default;
        Span<Range> fields = stackalloc Range[5];
        var count = line.Split(fields, ',');
        if (count != 4)
        {
            error = "A vPDQ line has four comma-separated fields: frame_number,quality,hash,timestamp.";
            return false;
        }

        var culture = CultureInfo.InvariantCulture;
        if (!int.TryParse(line[fields[0]], NumberStyles.None, culture, out var frameNumber))
        {
            error = "The frame number is not a non-negative integer.";
            return false;
        }

        if (!int.TryParse(line[fields[1]], NumberStyles.None, culture, out var quality) || quality > 100)
        {
            error = "The quality is not an integer from 0 to 100.";
            return false;
        }

        if (!Hash256.TryParse(line[fields[2]], out var hash, out error))
        {
            return false;
        }

        if (!double.TryParse(line[fields[3]], NumberStyles.AllowDecimalPoint, culture, out var timestamp))
        {
            error = "The timestamp is not a non-negative number of seconds.";
            return false;
        }

        frame = new VpdqFrame(frameNumber, quality, hash, timestamp);
        error = null;
        return true;
    }

    /// <summary>
    /// Reads every line (blank lines and lines starting with <c>#</c> are skipped); throws
    /// <see cref="FormatException"/> naming the first bad line.
    /// </summary>
    public static List<VpdqFrame> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var frames = new List<VpdqFrame>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#')
            {
                continue;
            }

            if (!TryParseLine(text, out var frame, out var error))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Line {lineNumber}: {error}"));
            }

            frames.Add(frame);
        }

        return frames;
    }
}
