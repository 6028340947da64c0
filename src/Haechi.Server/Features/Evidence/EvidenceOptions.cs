using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Evidence;

/// <summary>Evidence screenshots that come with public reports (section <c>Evidence</c>).</summary>
internal sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>Largest accepted file.</summary>
    [Range(1024, 100L * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Most files on one report.</summary>
    [Range(1, 20)]
    public int MaxFiles { get; set; } = 5;

    /// <summary>Longer side of the blurred grey preview analysts see first.</summary>
    [Range(64, 1024)]
    public int PreviewSide { get; set; } = 320;

    /// <summary>The largest request body a report with evidence may have.</summary>
    public long MaxRequestBytes => (MaxFileBytes * MaxFiles) + (256 * 1024);
}
