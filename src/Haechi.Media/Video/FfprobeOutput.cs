using System.Globalization;
using System.Text.Json;

namespace Haechi.Media.Video;

/// <summary>
/// Parses what ffprobe prints, kept apart from the process so it is tested on captured output.
/// </summary>
internal static class FfprobeOutput
{
    /// <summary>The ffprobe arguments whose JSON <see cref="Parse"/> reads (the path is appended).</summary>
    public static readonly string[] Arguments =
    [
        "-v", "error", "-hide_banner", "-print_format", "json",
        "-show_entries",
        "format=format_name,duration,size:stream=index,codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:stream_disposition=attached_pic",
    ];

    /// <summary>
    /// Reads <c>ffprobe -print_format json</c> output and describes the first video stream that
    /// is not an attached picture (cover art).
    /// </summary>
    /// <exception cref="VideoDecodeException">No video stream, or the JSON is not ffprobe's.</exception>
    public static VideoProbe Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(reader.ReadToEnd());
        }
        catch (JsonException ex)
        {
            throw new VideoDecodeException(VideoDecodeError.NotAVideo, "ffprobe printed something that is not JSON.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            var container = root.TryGetProperty("format", out var format) ? String(format, "format_name") : null;
            if (container is not null && IsStillImage(container))
            {
                throw new VideoDecodeException(VideoDecodeError.NotAVideo, $"This is a still image ({container}), not a video.");
            }
            if (!root.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array)
            {
                throw new VideoDecodeException(VideoDecodeError.NotAVideo, "FFmpeg found no streams in the file.");
            }

            foreach (var stream in streams.EnumerateArray())
            {
                if (String(stream, "codec_type") != "video" || IsAttachedPicture(stream))
                {
                    continue;
                }

                var duration = Seconds(String(stream, "duration")) ?? (format.ValueKind == JsonValueKind.Object ? Seconds(String(format, "duration")) : null);
                return new VideoProbe
                {
                    Container = container ?? "unknown",
                    StreamIndex = Int(stream, "index") ?? 0,
                    Codec = String(stream, "codec_name") ?? "unknown",
                    Width = Int(stream, "width") ?? 0,
                    Height = Int(stream, "height") ?? 0,
                    FrameRate = Rate(String(stream, "avg_frame_rate")) ?? Rate(String(stream, "r_frame_rate")) ?? 0,
                    Duration = duration is { } d && d > 0 ? TimeSpan.FromSeconds(d) : null,
                    FrameCount = long.TryParse(String(stream, "nb_frames"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null,
                };
            }

            throw new VideoDecodeException(
                VideoDecodeError.NoVideoStream,
                streams.GetArrayLength() == 0 ? "The file holds no streams." : "The file holds no video stream (only audio, subtitles or a cover picture).");
        }
    }

    // FFmpeg opens single pictures through its image demuxers (image2, png_pipe, jpeg_pipe, ...).
    private static bool IsStillImage(string container) =>
        container == "image2" || container.EndsWith("_pipe", StringComparison.Ordinal);

    /// <summary>Turns ffprobe's or ffmpeg's error output into a reason a person can act on.</summary>
    public static VideoDecodeException ProbeFailure(string stderr)
    {
        var detail = Summarise(stderr);
        if (stderr.Contains("Picture size", StringComparison.Ordinal) && stderr.Contains("is invalid", StringComparison.Ordinal))
        {
            return new VideoDecodeException(VideoDecodeError.BadDimensions, "The video declares an invalid frame size: " + detail);
        }

        if (stderr.Contains("moov atom not found", StringComparison.Ordinal))
        {
            return new VideoDecodeException(VideoDecodeError.NotAVideo, "Not a playable video (no MP4 index; the file is truncated or not an MP4): " + detail);
        }

        return new VideoDecodeException(VideoDecodeError.NotAVideo, "Not a video FFmpeg can read: " + detail);
    }

    /// <summary>
    /// The last few distinct messages of FFmpeg's error output, without the <c>[demuxer @ 0x…]</c>
    /// prefixes or the file name, on one line.
    /// </summary>
    public static string Summarise(string stderr)
    {
        var messages = new List<string>();
        foreach (var raw in stderr.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '[' && line.IndexOf("] ", StringComparison.Ordinal) is var close and > 0)
            {
                line = line[(close + 2)..];
            }

            // "path: Invalid data found ..." names the file; the caller already knows it.
            var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Contains('/', StringComparison.Ordinal))
            {
                line = line[(colon + 2)..];
            }

            if (!messages.Contains(line, StringComparer.Ordinal))
            {
                messages.Add(line);
            }
        }

        if (messages.Count == 0)
        {
            return "no reason given";
        }

        var tail = messages.Count > 3 ? messages.GetRange(messages.Count - 3, 3) : messages;
        var text = string.Join("; ", tail);
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out var disposition) &&
        disposition.ValueKind == JsonValueKind.Object &&
        Int(disposition, "attached_pic") == 1;

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result) ? result : null;

    private static double? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;

    /// <summary>Parses "30000/1001"; null for "0/0", garbage or a zero rate.</summary>
    internal static double? Rate(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var culture = CultureInfo.InvariantCulture;
        if (slash < 0)
        {
            return double.TryParse(text, NumberStyles.AllowDecimalPoint, culture, out var plain) && plain > 0 && double.IsFinite(plain) ? plain : null;
        }

        if (!long.TryParse(text.AsSpan(0, slash), NumberStyles.None, culture, out var num) ||
            !long.TryParse(text.AsSpan(slash + 1), NumberStyles.None, culture, out var den) ||
            num == 0 || den == 0)
        {
            return null;
        }

        return (double)num / den;
    }
}
