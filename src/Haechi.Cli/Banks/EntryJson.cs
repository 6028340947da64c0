using System.Text.Json;
using Haechi.Data.Banks;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Banks;

/// <summary>How a bank entry's reference fields appear in every JSON output (match, video match, export).</summary>
internal static class EntryJson
{
    /// <summary>Writes <c>external_id</c> (when there is one) and <c>labels</c> into the open object.</summary>
    public static void WriteReference(Utf8JsonWriter writer, BankEntryView entry)
    {
        if (entry.ExternalId is not null)
        {
            writer.WriteString("external_id", entry.ExternalId);
        }

        writer.WriteStartArray("labels");
        foreach (var label in entry.Labels)
        {
            writer.WriteStringValue(label);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes one image match as an object (match and watch print the same fields).</summary>
    public static void WriteImageMatch(Utf8JsonWriter writer, ImageBankMatch match)
    {
        writer.WriteStartObject();
        writer.WriteString("bank", match.Entry.Bank);
        writer.WriteNumber("entry_id", match.Entry.Id);
        writer.WriteNumber("distance", match.Distance);
        writer.WriteNumber("strength", Math.Round(match.Strength, 3));
        writer.WriteString("matched_by", match.MatchedBy);
        writer.WriteString("transform", match.Transform);
        if (match.Local is { } local)
        {
            writer.WriteNumber("inliers", local.Inliers);
            writer.WriteNumber("correspondences", local.Correspondences);
            writer.WriteNumber("log10_nfa", Math.Round(local.Log10Nfa, 2));
        }

        writer.WriteString("signal", match.Entry.Signal.ToString());
        writer.WriteNumber("entry_quality", match.Entry.Quality);
        WriteReference(writer, match.Entry);
        writer.WriteEndObject();
    }

    /// <summary>Writes one video match as an object.</summary>
    public static void WriteVideoMatch(Utf8JsonWriter writer, VideoBankMatch match)
    {
        writer.WriteStartObject();
        writer.WriteString("bank", match.Entry.Bank);
        writer.WriteNumber("entry_id", match.Entry.Id);
        writer.WriteNumber("query_match_percent", Math.Round(match.Comparison.QueryMatchPercent, 2));
        writer.WriteNumber("compared_match_percent", Math.Round(match.Comparison.ComparedMatchPercent, 2));
        writer.WriteNumber("strength", Math.Round(match.Strength, 3));
        WriteReference(writer, match.Entry);
        writer.WriteEndObject();
    }
}
