using System.Globalization;
using System.Text;
using System.Text.Json;
using Haechi.Core.Hashing;
using Haechi.Data.Banks;

namespace Haechi.Cli.Banks;

/// <summary>Hash-list formats Haechi reads and writes: the reference CSV and JSON Lines.</summary>
internal enum InterchangeFormat
{
    /// <summary><c>hash,quality,id</c> (also the reference tools' <c>hash,quality,path</c>).</summary>
    Csv,

    /// <summary>One JSON object per line: <c>{"hash", "quality", "id", "labels"}</c>; <c>haechi hash --json</c> output is accepted.</summary>
    Jsonl,
}

/// <summary>A line of an import that cannot be read; nothing is imported then.</summary>
internal sealed class InterchangeException(string message) : Exception(message);

/// <summary>Reads and writes hash lists.</summary>
internal static class BankInterchange
{
    /// <summary>Guesses the format from the file name (.jsonl/.json → JSON Lines, else CSV).</summary>
    public static InterchangeFormat Guess(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? InterchangeFormat.Jsonl
            : InterchangeFormat.Csv;

    /// <summary>
    /// Reads every entry; a malformed line throws <see cref="InterchangeException"/> naming the line.
    /// Empty lines and lines starting with '#' are skipped.
    /// </summary>
    public static List<NewBankEntry> Read(TextReader reader, InterchangeFormat format, IReadOnlyList<string> extraLabels)
    {
        var entries = new List<NewBankEntry>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            try
            {
                entries.Add(format == InterchangeFormat.Csv ? ParseCsv(text, extraLabels) : ParseJson(text, extraLabels));
            }
            catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InterchangeException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {ex.Message}"));
            }
        }

        return entries;
    }

    private static NewBankEntry ParseCsv(string line, IReadOnlyList<string> extraLabels)
    {
        var fields = line.Split(',', 3);
        if (fields.Length < 2)
        {
            throw new FormatException("expected 'hash,quality' or 'hash,quality,id'.");
        }

        var hash = Hash256.Parse(fields[0].Trim());
        var quality = ParseQuality(fields[1].Trim());
        var id = fields.Length == 3 && fields[2].Trim().Length > 0 ? fields[2].Trim() : null;
        return new NewBankEntry(hash, quality, id, extraLabels);
    }

    private static NewBankEntry ParseJson(string line, IReadOnlyList<string> extraLabels)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("expected a JSON object.");
        }

        var hash = Hash256.Parse(root.GetProperty("hash").GetString() ?? throw new FormatException("'hash' is null."));
        var quality = root.GetProperty("quality").GetInt32();
        if (quality is < 0 or > 100)
        {
            throw new FormatException("quality must be 0..100.");
        }

        string? id = null;
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String)
        {
            id = idElement.GetString();
        }
        else if (root.TryGetProperty("external_id", out var externalElement) && externalElement.ValueKind == JsonValueKind.String)
        {
            id = externalElement.GetString();
        }
        else if (root.TryGetProperty("path", out var pathElement) && pathElement.ValueKind == JsonValueKind.String)
        {
            id = pathElement.GetString();
        }

        var labels = new List<string>(extraLabels);
        if (root.TryGetProperty("labels", out var labelsElement) && labelsElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var label in labelsElement.EnumerateArray())
            {
                labels.Add(label.GetString() ?? throw new FormatException("a label is null."));
            }
        }

        return new NewBankEntry(hash, quality, id, labels);
    }

    private static int ParseQuality(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var quality) || quality > 100)
        {
            throw new FormatException($"quality '{text}' is not an integer 0..100.");
        }

        return quality;
    }

    /// <summary>One export line (no newline).</summary>
    public static string Format(BankEntryView entry, InterchangeFormat format)
    {
        if (format == InterchangeFormat.Csv)
        {
            var id = entry.ExternalId ?? entry.Id.ToString(CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture, $"{entry.Signal},{entry.Quality},{id}");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("hash", entry.Signal.ToString());
            writer.WriteNumber("quality", entry.Quality);
            writer.WriteNumber("entry_id", entry.Id);
            if (entry.ExternalId is not null)
            {
                writer.WriteString("id", entry.ExternalId);
            }

            writer.WriteStartArray("labels");
            foreach (var label in entry.Labels)
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
            writer.WriteString("added_at", entry.AddedAt.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
