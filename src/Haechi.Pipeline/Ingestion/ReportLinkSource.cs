using System.Globalization;

namespace Haechi.Pipeline.Ingestion;

/// <summary>The pipeline source of media found at the links of public reports: kind <c>report</c>, source id <c>{link id}:…</c>, written and read here.</summary>
public static class ReportLinkSource
{
    /// <summary>The pipeline's source kind for media found at a report's links.</summary>
    public const string SourceKind = "report";

    /// <summary>The report link (<c>report_links.id</c>) of a source id of kind <c>report</c>, or null.</summary>
    public static long? LinkId(string sourceId)
    {
        ArgumentNullException.ThrowIfNull(sourceId);
        var colon = sourceId.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(sourceId.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}
