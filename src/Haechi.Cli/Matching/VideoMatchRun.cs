using System.Globalization;
using System.Text;
using System.Text.Json;
using Haechi.Cli.Banks;
using Haechi.Cli.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Video;
using Haechi.Data.Banks;
using Haechi.Media.Video;

namespace Haechi.Cli.Matching;

/// <summary>
/// Matches videos against vPDQ banks: the frame index finds the entries that share at least one
/// frame with the query, then the vPDQ comparison on the stored frames decides (query and compared
/// match percentages); the index only narrows the candidates, so results equal a full comparison.
/// </summary>
internal sealed class VideoMatchRun(CliConsole console, BankStore store, HammingIndex frameIndex, HashSet<string>? banks, VpdqMatchOptions options, VideoDecodeOptions decodeOptions, bool json)
{
    /// <summary>Returns false when any video could not be read.</summary>
    public async Task<bool> RunAsync(IReadOnlyList<InputFile> videos, CancellationToken cancellationToken)
    {
        var allRead = true;
        var fingerprinter = new VideoFingerprinter(decodeOptions, trimBorders: true);
        var found = new List<HammingMatch>();
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

            var query = fingerprint.Frames.ToArray();
            var candidates = new HashSet<long>();
            foreach (var frame in query)
            {
                if (frame.Quality < options.MinQuality)
                {
                    continue;
                }

                found.Clear();
                frameIndex.Search(frame.Hash, options.MaxDistance, found);
                foreach (var match in found)
                {
                    candidates.Add(match.Id);
                }
            }

            var entries = await store.GetActiveEntriesAsync(candidates, cancellationToken).ConfigureAwait(false);
            var frames = await store.GetFramesAsync(candidates, cancellationToken).ConfigureAwait(false);
            var matches = new List<(BankEntryView Entry, VpdqComparison Comparison)>();
            foreach (var id in candidates.Order())
            {
                if (!entries.TryGetValue(id, out var entry) || !frames.TryGetValue(id, out var stored) || (banks is not null && !banks.Contains(entry.Bank)))
                {
                    continue;
                }

                var comparison = VpdqComparer.Compare(query, stored.ToArray(), options);
                if (comparison.IsMatch(options))
                {
                    matches.Add((entry, comparison));
                }
            }

            matches.Sort(static (a, b) => b.Comparison.QueryMatchPercent.CompareTo(a.Comparison.QueryMatchPercent));
            if (json)
            {
                await console.Out.WriteLineAsync(Json(video.Path, query.Length, matches)).ConfigureAwait(false);
                continue;
            }

            foreach (var (entry, comparison) in matches)
            {
                await console.Out.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{video.Path},{entry.Bank},{entry.Id},{comparison.QueryMatchPercent:F1},{comparison.ComparedMatchPercent:F1}")).ConfigureAwait(false);
            }
        }

        return allRead;
    }

    private static string Json(string path, int frames, List<(BankEntryView Entry, VpdqComparison Comparison)> matches)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("path", path);
            writer.WriteNumber("frames", frames);
            writer.WriteStartArray("matches");
            foreach (var (entry, comparison) in matches)
            {
                writer.WriteStartObject();
                writer.WriteString("bank", entry.Bank);
                writer.WriteNumber("entry_id", entry.Id);
                writer.WriteNumber("query_match_percent", Math.Round(comparison.QueryMatchPercent, 2));
                writer.WriteNumber("compared_match_percent", Math.Round(comparison.ComparedMatchPercent, 2));
                EntryJson.WriteReference(writer, entry);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
