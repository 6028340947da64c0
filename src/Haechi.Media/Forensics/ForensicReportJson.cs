using System.Text;
using System.Text.Json;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics.Sources;

namespace Haechi.Media.Forensics;

/// <summary>
/// The machine-readable form of a <see cref="ForensicReport"/>: <c>sha256</c>, <c>md5</c>, <c>pdq</c>,
/// <c>band</c>, <c>findings: [{method, band, summary, limits, details}]</c> and, when asked for,
/// <c>sourceMatches</c>. The CLI's <c>--json</c> and the server's investigation API write the same object.
/// </summary>
public static class ForensicReportJson
{
    /// <summary>The report as one compact JSON object (what <c>haechi analyze --json</c> prints as one line).</summary>
    /// <param name="file">The file's name or path, written as <c>file</c>.</param>
    /// <param name="report">The analysis.</param>
    public static string ToJson(string file, ForensicReport report)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, file, report);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the report as one JSON object.</summary>
    /// <param name="writer">Where it goes.</param>
    /// <param name="file">The file's name or path, written as <c>file</c>.</param>
    /// <param name="report">The analysis.</param>
    public static void Write(Utf8JsonWriter writer, string file, ForensicReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteString("file", file);
        writer.WriteString("sha256", report.Sha256);
        writer.WriteString("md5", report.Md5);
        if (report.Pdq is null)
        {
            writer.WriteNull("pdq");
        }
        else
        {
            writer.WriteString("pdq", report.Pdq);
        }

        if (report.PdqQuality is { } quality)
        {
            writer.WriteNumber("pdqQuality", quality);
        }

        writer.WriteString("format", report.Format);
        writer.WriteNumber("bytes", report.Bytes);
        writer.WriteStartObject("tools");
        foreach (var (name, version) in report.Tools)
        {
            writer.WriteString(name, version);
        }

        writer.WriteEndObject();
        if (report.Width is { } width && report.Height is { } height)
        {
            writer.WriteNumber("width", width);
            writer.WriteNumber("height", height);
        }

        writer.WriteString("band", report.OverallBand.ToText());
        writer.WriteStartArray("findings");
        foreach (var finding in report.Findings)
        {
            writer.WriteStartObject();
            writer.WriteString("method", finding.Method);
            writer.WriteString("band", finding.Band.ToText());
            writer.WriteString("summary", finding.Summary);
            writer.WriteString("limits", finding.Limits);
            writer.WriteStartArray("details");
            foreach (var (key, value) in finding.Details)
            {
                writer.WriteStartObject();
                writer.WriteString("key", key);
                writer.WriteString("value", value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (report.SourceMatches is { } matches)
        {
            WriteSourceMatches(writer, matches);
        }

        writer.WriteEndObject();
    }

    private static void WriteSourceMatches(Utf8JsonWriter writer, SourceMatchResult matches)
    {
        writer.WriteStartArray("sourceMatches");
        foreach (var candidate in matches.Candidates)
        {
            writer.WriteStartObject();
            writer.WriteString("kind", candidate.Kind);
            writer.WriteString("reference", candidate.Reference);
            writer.WriteNumber("strength", Math.Round(candidate.Strength, 3));
            writer.WriteStartArray("signals");
            foreach (var evidence in candidate.Evidence)
            {
                writer.WriteStartObject();
                writer.WriteString("signal", evidence.Signal);
                writer.WriteNumber("value", evidence.Value);
                writer.WriteNumber("threshold", evidence.Threshold);
                writer.WriteNumber("strength", Math.Round(evidence.Strength, 3));
                writer.WriteBoolean("matched", evidence.Matched);
                writer.WriteString("detail", evidence.Detail);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (matches.Comparisons.FirstOrDefault(c => ReferenceEquals(c.Candidate, candidate)) is { } comparison)
            {
                var change = comparison.Change;
                writer.WriteStartObject("comparison");
                writer.WriteString("alignment", comparison.Alignment);
                writer.WriteNumber("inliers", comparison.Inliers);
                writer.WriteNumber("changedAreas", change.ChangedCells);
                writer.WriteNumber("comparedAreas", change.ComparedCells);
                writer.WriteNumber("changedFraction", Math.Round(change.ChangedFraction, 4));
                writer.WriteNumber("changedThreshold", Math.Round(change.Threshold, 2));
                writer.WriteNumber("medianDifference", Math.Round(change.MedianDifference, 2));
                if (comparison.ChangedArea is { } box)
                {
                    writer.WriteStartObject("changedArea");
                    writer.WriteNumber("x", box.X);
                    writer.WriteNumber("y", box.Y);
                    writer.WriteNumber("width", box.Width);
                    writer.WriteNumber("height", box.Height);
                    writer.WriteEndObject();
                }

                if (comparison.ChangeOnFaces is { } onFaces)
                {
                    writer.WriteBoolean("changeMostlyOnFaces", onFaces);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("sourceNotes");
        foreach (var note in matches.Notes)
        {
            writer.WriteStringValue(note);
        }

        writer.WriteEndArray();
    }
}
