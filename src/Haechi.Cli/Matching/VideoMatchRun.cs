using System.Globalization;
using System.Text;
using System.Text.Json;
using Haechi.Cli.Banks;
using Haechi.Cli.Hashing;
using Haechi.Media.Video;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Matching;

/// <summary>
/// Matches videos against vPDQ banks through <see cref="Matcher"/>: the frame index finds the
/// entries that share at least one frame with the query, then the vPDQ comparison on the stored
/// frames decides (query and compared match percentages); the index only narrows the candidates,
/// so results equal a full comparison.
/// </summary>
internal sealed class VideoMatchRun(CliConsole console, Matcher matcher, MatchFilter filter, VideoDecodeOptions decodeOptions, bool json)
{
    /// <summary>Returns false when any video could not be read.</summary>
    public async Task<bool> RunAsync(IReadOnlyList<InputFile> videos, CancellationToken cancellationToken)
    {
        var allRead = true;
        var fingerprinter = new VideoFingerprinter(decodeOptions, trimBorders: true);
        foreach (var video in videos)
        {
            VideoFingerprint fingerprint;
            try
            {
                fingerprint = fingerprinter.Fingerprint(video.Path, cancellationToken);
            }
            catch (VideoDecodeException ex)
            {
                allRead = false;
                await console.Error.WriteLineAsync($"haechi: {video.Path}: {ex.Message}").ConfigureAwait(false);
                continue;
            }

            var matches = await matcher.MatchVideoAsync(fingerprint.Frames, filter, cancellationToken).ConfigureAwait(false);
            if (json)
            {
                await console.Out.WriteLineAsync(Json(video.Path, fingerprint.Frames.Count, matches)).ConfigureAwait(false);
                continue;
            }

            foreach (var match in matches)
            {
                await console.Out.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{video.Path},{match.Entry.Bank},{match.Entry.Id},{match.Comparison.QueryMatchPercent:F1},{match.Comparison.ComparedMatchPercent:F1}")).ConfigureAwait(false);
            }
        }

        return allRead;
    }

    private static string Json(string path, int frames, IReadOnlyList<VideoBankMatch> matches)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("path", path);
            writer.WriteNumber("frames", frames);
            writer.WriteStartArray("matches");
            foreach (var match in matches)
            {
                EntryJson.WriteVideoMatch(writer, match);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
