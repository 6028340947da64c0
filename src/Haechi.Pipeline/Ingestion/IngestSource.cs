using System.Globalization;

namespace Haechi.Pipeline.Ingestion;

/// <summary>The review queue's source id of an ingested item: <c>ingest:{id}</c>, written and read in one place.</summary>
public static class IngestSource
{
    /// <summary>The prefix of every ingested item's review source id.</summary>
    public const string Prefix = "ingest:";

    /// <summary>The source id of ingestion item <paramref name="itemId"/>.</summary>
    public static string SourceId(long itemId) => Prefix + itemId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The ingestion item id of a review item's source id, or null when it came from elsewhere.</summary>
    public static long? ItemId(string? sourceId) =>
        sourceId is not null && sourceId.StartsWith(Prefix, StringComparison.Ordinal)
        && long.TryParse(sourceId.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
