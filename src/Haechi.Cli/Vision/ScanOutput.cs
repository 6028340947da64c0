using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Haechi.Core.Faces;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>A face that matched an enrolled face.</summary>
internal sealed record FaceMatchView(int Face, string Bank, string Subject, float Similarity);

/// <summary>Formats scan results as CSV-like lines or JSON Lines, and matches faces against the banks.</summary>
internal sealed class ScanOutput(bool json, IReadOnlyList<FaceBank> banks, float threshold)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public List<FaceMatchView> Match(ScanResult scan)
    {
        var matches = new List<FaceMatchView>();
        if (scan.Faces is null || banks.Count == 0)
        {
            return matches;
        }

        for (var i = 0; i < scan.Faces.Count; i++)
        {
            if (scan.Faces[i].Embedding is not { } embedding)
            {
                continue;
            }

            foreach (var bank in banks)
            {
                if (bank.Index.Best(embedding) is { } best && best.Similarity >= threshold)
                {
                    matches.Add(new FaceMatchView(i, bank.Name, bank.SubjectOf(best.Id), best.Similarity));
                }
            }
        }

        return matches;
    }

    public string Format(string path, ScanResult scan, List<FaceMatchView> matches, List<BankMatchView>? bankMatches)
    {
        if (!json)
        {
            var faces = scan.Faces is null ? "-" : scan.Faces.Count.ToString(CultureInfo.InvariantCulture);
            var porn = scan.Nudity is { } n ? n.Porn.ToString("F3", CultureInfo.InvariantCulture) : "-";
            var line = string.Create(CultureInfo.InvariantCulture, $"{scan.Pdq},{scan.Quality},{faces},{porn},{path}");
            foreach (var match in bankMatches ?? [])
            {
                line += string.Create(CultureInfo.InvariantCulture, $"\n  match: {match.Bank}/{match.EntryId} distance {match.Distance} strength {match.Strength:F3} by {match.MatchedBy}{(match.ExternalId is null ? string.Empty : " id " + match.ExternalId)}");
            }

            foreach (var match in matches)
            {
                line += string.Create(CultureInfo.InvariantCulture, $"\n  face {match.Face}: {match.Bank}/{match.Subject} similarity {match.Similarity:F3}");
            }

            return line;
        }

        var view = new ScanJson
        {
            Path = path,
            Pdq = scan.Pdq.ToString(),
            Quality = scan.Quality,
            Width = scan.Width,
            Height = scan.Height,
            Faces = scan.Faces?.Select((f, i) => new FaceJson
            {
                Box = [Round(f.Face.X), Round(f.Face.Y), Round(f.Face.Width), Round(f.Face.Height)],
                Score = MathF.Round(f.Face.Score, 4),
                Embedded = f.Embedding is not null,
                FaceMatches = matches.Where(m => m.Face == i).Select(m => new FaceMatchJson(m.Bank, m.Subject, MathF.Round(m.Similarity, 4))).ToList() is { Count: > 0 } list ? list : null,
            }).ToList(),
            Nsfw = scan.Nudity is { } s ? new NsfwJson(Round4(s.Drawing), Round4(s.Hentai), Round4(s.Neutral), Round4(s.Porn), Round4(s.Sexy)) : null,
            Matches = bankMatches?.Select(m => new BankMatchJson(m.Bank, m.EntryId, m.Distance, Math.Round(m.Strength, 3), m.MatchedBy, m.ExternalId, m.Labels)).ToList() ?? [],
            Skipped = bankMatches is null ? "quality below threshold" : null,
        };
        return JsonSerializer.Serialize(view, JsonOptions);
    }

    /// <summary>One video: a line 'video,frames,frames_with_faces,subjects,porn_max,path' with indented sightings, or one JSON object.</summary>
    public string FormatVideo(string path, VideoAnalysis analysis, IReadOnlyList<string> keyframeFiles)
    {
        if (!json)
        {
            var porn = analysis.NudityMax is { } n ? n.Porn.ToString("F3", CultureInfo.InvariantCulture) : "-";
            var line = string.Create(CultureInfo.InvariantCulture, $"video,{analysis.FramesAnalysed},{analysis.FramesWithFaces},{analysis.Sightings.Count},{porn},{path}");
            foreach (var sighting in analysis.Sightings)
            {
                var ranges = string.Join(' ', sighting.Ranges.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Start:F1}-{r.End:F1}s")));
                line += string.Create(CultureInfo.InvariantCulture, $"\n  face: {sighting.Bank}/{sighting.Subject} similarity {sighting.BestSimilarity:F3} at {ranges}");
            }

            return line;
        }

        var view = new VideoJson
        {
            Path = path,
            Duration = Math.Round(analysis.Duration, 3),
            SampledFps = Math.Round(analysis.FramesPerSecond, 3),
            FramesAnalysed = analysis.FramesAnalysed,
            FramesWithFaces = analysis.FramesWithFaces,
            MaxFacesInFrame = analysis.MaxFacesInFrame,
            FaceMatches = analysis.Sightings.Select(v => new VideoFaceJson(
                v.Bank, v.Subject, v.EntryId, Round4(v.BestSimilarity), v.Frames, v.Ranges.Select(r => new[] { Math.Round(r.Start, 3), Math.Round(r.End, 3) }).ToList())).ToList(),
            Nsfw = analysis.NudityMax is { } max && analysis.NudityMean is { } mean
                ? new VideoNsfwJson(Nsfw(max), Nsfw(mean), analysis.NudityPeakAt is { } at ? Math.Round(at, 3) : null)
                : null,
            Keyframes = keyframeFiles.Count > 0 ? [.. keyframeFiles] : null,
        };
        return JsonSerializer.Serialize(view, JsonOptions);
    }

    private static NsfwJson Nsfw(NudityScores s) => new(Round4(s.Drawing), Round4(s.Hentai), Round4(s.Neutral), Round4(s.Porn), Round4(s.Sexy));

    private static float Round(float value) => MathF.Round(value, 1);

    private static float Round4(float value) => MathF.Round(value, 4);

    private sealed record ScanJson
    {
        public required string Path { get; init; }

        public required string Pdq { get; init; }

        public required int Quality { get; init; }

        public required int Width { get; init; }

        public required int Height { get; init; }

        public List<FaceJson>? Faces { get; init; }

        public NsfwJson? Nsfw { get; init; }

        /// <summary>Matches in the PDQ banks (empty when none; empty with <see cref="Skipped"/> when the quality is too low).</summary>
        public required List<BankMatchJson> Matches { get; init; }

        public string? Skipped { get; init; }
    }

    private sealed record BankMatchJson(string Bank, long EntryId, int Distance, double Strength, string MatchedBy, string? ExternalId, IReadOnlyList<string> Labels);

    private sealed record FaceJson
    {
        public required float[] Box { get; init; }

        public required float Score { get; init; }

        public required bool Embedded { get; init; }

        [JsonPropertyName("face_matches")]
        public List<FaceMatchJson>? FaceMatches { get; init; }
    }

    private sealed record FaceMatchJson(string Bank, string Subject, float Similarity);

    private sealed record VideoJson
    {
        public required string Path { get; init; }

        public string Kind { get; } = "video";

        public required double Duration { get; init; }

        public required double SampledFps { get; init; }

        public required int FramesAnalysed { get; init; }

        public required int FramesWithFaces { get; init; }

        public required int MaxFacesInFrame { get; init; }

        /// <summary>Enrolled subjects seen, with the time ranges (seconds) of the sampled frames that showed them.</summary>
        public required List<VideoFaceJson> FaceMatches { get; init; }

        public VideoNsfwJson? Nsfw { get; init; }

        public List<string>? Keyframes { get; init; }
    }

    private sealed record VideoFaceJson(string Bank, string Subject, long EntryId, float Similarity, int Frames, List<double[]> Ranges);

    private sealed record VideoNsfwJson(NsfwJson Max, NsfwJson Mean, double? PeakAt);

    private sealed record NsfwJson(float Drawing, float Hentai, float Neutral, float Porn, float Sexy);
}
