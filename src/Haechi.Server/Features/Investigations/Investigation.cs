using Haechi.Media.Forensics;

namespace Haechi.Server.Features.Investigations;

/// <summary>One suspect image of an analysis: its bytes (in memory only), the report, and its blurred grey preview.</summary>
/// <param name="Name">The file name the investigator uploaded (shown to her, never logged).</param>
/// <param name="Bytes">The file.</param>
/// <param name="ContentType">Media type from the decoder.</param>
/// <param name="Report">The analysis without source matching.</param>
/// <param name="Preview">Blurred grey JPEG preview.</param>
internal sealed record SuspectImage(string Name, byte[] Bytes, string ContentType, ForensicReport Report, byte[] Preview)
{
    /// <summary>The report with the source matches (grey, blurred side-by-sides) when banks were searched.</summary>
    public ForensicReport Shown { get; init; } = Report;

    /// <summary>The bank entries the one matcher found for this image (kept for the revealed re-render).</summary>
    public Media.Forensics.Sources.BankSourceMatches BankMatches { get; init; } = Media.Forensics.Sources.BankSourceMatches.None;
}

/// <summary>An analysis held in memory for the investigator who ran it.</summary>
/// <param name="Id">Random id (unguessable; also checked against the owner).</param>
/// <param name="UserId">Who ran it.</param>
/// <param name="At">When it ran.</param>
/// <param name="Banks">PDQ banks searched for the originals.</param>
/// <param name="SearchedSources">Whether source matching ran.</param>
/// <param name="Files">The suspect images, in upload order.</param>
internal sealed record Investigation(Guid Id, string UserId, DateTimeOffset At, IReadOnlyList<string> Banks, bool SearchedSources, IReadOnlyList<SuspectImage> Files)
{
    /// <summary>The enrolled face banks searched.</summary>
    public IReadOnlyList<Core.Faces.FaceBank> FaceBanks { get; init; } = [];

    /// <summary>Report pairs for the HTML and JSON renderers.</summary>
    public IReadOnlyList<(string Path, ForensicReport Report)> Reports(bool revealed = false, IReadOnlyList<ForensicReport>? revealedReports = null) =>
        [.. Files.Select((f, i) => (f.Name, revealed && revealedReports is not null ? revealedReports[i] : f.Shown))];

    /// <summary>The JSON of <c>haechi analyze --json</c>: an array with one object per file.</summary>
    public string Json()
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var file in Files)
            {
                ForensicReportJson.Write(writer, file.Name, file.Shown);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
