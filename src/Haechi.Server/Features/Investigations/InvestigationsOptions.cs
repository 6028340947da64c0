using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Investigations;

/// <summary>The investigators' forensic analysis (section <c>Investigations</c>).</summary>
internal sealed class InvestigationsOptions
{
    public const string Section = "Investigations";

    /// <summary>Largest accepted suspect image.</summary>
    [Range(1024, 200L * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Most images in one analysis.</summary>
    [Range(1, 20)]
    public int MaxFiles { get; set; } = 5;

    /// <summary>Analyses that run at once; more wait for a slot.</summary>
    [Range(1, 64)]
    public int MaxConcurrentAnalyses { get; set; } = 2;

    /// <summary>How long a request waits for a free slot before it is answered 503.</summary>
    [Range(0, 300)]
    public int QueueWaitSeconds { get; set; } = 20;

    /// <summary>How long an analysis stays open in memory for its investigator (reveal, downloads, keep).</summary>
    [Range(1, 24 * 60)]
    public int KeepOpenMinutes { get; set; } = 60;

    /// <summary>Most analyses held in memory at once (the oldest are dropped first).</summary>
    [Range(1, 1000)]
    public int MaxOpen { get; set; } = 50;

    /// <summary>Longer side of the blurred grey preview of a suspect image.</summary>
    [Range(64, 1024)]
    public int PreviewSide { get; set; } = 320;

    /// <summary>The largest request body an analysis may have.</summary>
    public long MaxRequestBytes => (MaxFileBytes * MaxFiles) + (256 * 1024);
}
