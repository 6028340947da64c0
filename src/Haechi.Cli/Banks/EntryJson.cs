using System.Text.Json;
using Haechi.Data.Banks;

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
}
