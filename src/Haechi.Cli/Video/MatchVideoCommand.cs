using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Haechi.Core.Video;
using Haechi.Media.Video;

namespace Haechi.Cli.Video;

/// <summary>
/// <c>haechi match-video QUERY COMPARED</c>: the vPDQ comparison of two videos (or of vPDQ hash
/// files, as <c>haechi hash --vpdq</c> or upstream's tools write them).
/// </summary>
internal static class MatchVideoCommand
{
    /// <summary>Exit code when both inputs were read and they do not match.</summary>
    public const int NoMatchExitCode = 2;

    public static Command Create(CliConsole console)
    {
        var query = new Argument<string>("QUERY") { Description = "The video to look for (a clip, a re-upload), or its vPDQ hash file (.txt/.vpdq)." };
        var compared = new Argument<string>("COMPARED") { Description = "The video to look in (a known original), or its vPDQ hash file." };
        var fps = new Option<double?>("--fps") { Description = "Hash N frames per second of each video (default: every frame; hash the compared video densely for the best recall)." };
        var maxDistance = new Option<int>("--max-distance") { Description = "Frames match at this PDQ distance or less.", DefaultValueFactory = _ => VpdqMatchOptions.DefaultMaxDistance };
        var minQuality = new Option<int>("--min-quality") { Description = "Frames of lower PDQ quality are left out.", DefaultValueFactory = _ => VpdqMatchOptions.DefaultMinQuality };
        var queryPercent = new Option<double>("--query-percent") { Description = "Match when at least this % of the query's frames is found in the compared video.", DefaultValueFactory = _ => VpdqMatchOptions.DefaultQueryMatchPercent };
        var comparedPercent = new Option<double>("--compared-percent") { Description = "... and at least this % of the compared video's frames is found in the query.", DefaultValueFactory = _ => VpdqMatchOptions.DefaultComparedMatchPercent };
        var noTrim = new Option<bool>("--no-trim-bars") { Description = "Hash whole frames, bars included (upstream's hashes); by default letterbox/pillarbox bars are trimmed on both videos." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command(
            "match-video",
            "Compare two videos with vPDQ: the share of the query's distinct good frames found in the compared video and the other way round.\n" +
            "A clip cut from a longer video finds ~100% of its frames in it. Exit code 0: match, 2: no match, 1: error.")
        {
            query, compared, fps, maxDistance, minQuality, queryPercent, comparedPercent, noTrim, json,
        };
        command.SetAction((result, cancellationToken) => Task.FromResult(Execute(result, cancellationToken)));
        return command;

        int Execute(ParseResult result, CancellationToken cancellationToken)
        {
            var decode = VideoDecodeOptions.Default with { FramesPerSecond = result.GetValue(fps) is { } f && f > 0 ? f : null };
            var fingerprinter = new VideoFingerprinter(decode, trimBorders: !result.GetValue(noTrim));
            var options = new VpdqMatchOptions
            {
                MaxDistance = result.GetValue(maxDistance),
                MinQuality = result.GetValue(minQuality),
                QueryMatchPercent = result.GetValue(queryPercent),
                ComparedMatchPercent = result.GetValue(comparedPercent),
            };
            var queryPath = result.GetValue(query)!;
            var comparedPath = result.GetValue(compared)!;
            if (!TryLoad(console, fingerprinter, queryPath, cancellationToken, out var queryFrames) ||
                !TryLoad(console, fingerprinter, comparedPath, cancellationToken, out var comparedFrames))
            {
                return 1;
            }

            var comparison = VpdqComparer.Compare(queryFrames, comparedFrames, options);
            var match = comparison.IsMatch(options);
            if (result.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(
                    new MatchVideoJson(queryPath, comparedPath, comparison.QueryMatchPercent, comparison.ComparedMatchPercent, queryFrames.Length, comparedFrames.Length, comparison.QueryFrames, comparison.ComparedFrames, match),
                    JsonOptions));
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                console.Out.WriteLine(string.Create(c, $"query:          {queryPath} ({queryFrames.Length} frames, {comparison.QueryFrames} distinct with quality >= {options.MinQuality})"));
                console.Out.WriteLine(string.Create(c, $"compared:       {comparedPath} ({comparedFrames.Length} frames, {comparison.ComparedFrames} distinct with quality >= {options.MinQuality})"));
                console.Out.WriteLine(string.Create(c, $"query match:    {comparison.QueryMatchPercent:F1}%"));
                console.Out.WriteLine(string.Create(c, $"compared match: {comparison.ComparedMatchPercent:F1}%"));
                console.Out.WriteLine(string.Create(c, $"verdict:        {(match ? "match" : "no match")} (query >= {options.QueryMatchPercent:0.#}%, compared >= {options.ComparedMatchPercent:0.#}%, distance <= {options.MaxDistance})"));
            }

            return match ? 0 : NoMatchExitCode;
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record MatchVideoJson(
        string Query,
        string Compared,
        double QueryMatchPercent,
        double ComparedMatchPercent,
        int QueryFrames,
        int ComparedFrames,
        int QueryDistinctGoodFrames,
        int ComparedDistinctGoodFrames,
        bool Match);

    /// <summary>Hash files (.txt, .vpdq) are read as vPDQ text; anything else is decoded as a video.</summary>
    private static bool TryLoad(CliConsole console, VideoFingerprinter fingerprinter, string path, CancellationToken cancellationToken, out VpdqFrame[] frames)
    {
        frames = [];
        try
        {
            if (path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".vpdq", StringComparison.OrdinalIgnoreCase))
            {
                using var reader = File.OpenText(path);
                frames = [.. VpdqFormat.Read(reader)];
            }
            else
            {
                frames = [.. fingerprinter.Fingerprint(path, cancellationToken).Frames];
            }

            return true;
        }
        catch (Exception ex) when (ex is VideoDecodeException or FormatException or IOException or UnauthorizedAccessException)
        {
            console.Error.WriteLine("haechi: " + path + ": " + ex.Message);
            return false;
        }
    }
}
