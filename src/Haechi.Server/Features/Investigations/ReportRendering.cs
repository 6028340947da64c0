using Haechi.Media.Forensics;
using Haechi.Media.Images;

namespace Haechi.Server.Features.Investigations;

/// <summary>
/// The CLI's HTML report for an analysis, as the investigator sees it: before a reveal every heatmap
/// (signal maps and difference maps) is replaced by a grey, blurred copy and the source
/// side-by-sides are the matcher's grey blurred ones; after the audited reveal, as computed.
/// </summary>
internal static class ReportRendering
{
    /// <summary>The report HTML: blurred when <paramref name="revealed"/> is null, else the revealed reports.</summary>
    public static string Html(Investigation investigation, IReadOnlyList<ForensicReport>? revealed, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(investigation);
        var files = revealed is null
            ? investigation.Files.Select(f => (f.Name, Blurred(f.Shown))).ToList()
            : investigation.Files.Select((f, i) => (f.Name, revealed[i])).ToList();
        return ForensicReportHtml.Render(files, at, revealed is null ? "revealed (the Reveal button on the analysis page)" : "revealed");
    }

    /// <summary>The report with every heatmap grey and blurred.</summary>
    public static ForensicReport Blurred(ForensicReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var maps = report.Maps.Select(m => m with { Png = BlurPng(m.Png) }).ToList();
        var sources = report.SourceMatches;
        if (sources is not null)
        {
            sources = sources with { Comparisons = [.. sources.Comparisons.Select(c => c with { DifferenceMap = c.DifferenceMap with { Png = BlurPng(c.DifferenceMap.Png) } })] };
        }

        return report with { Maps = maps, SourceMatches = sources };
    }

    /// <summary>A grey, blurred PNG copy of a heatmap (<see cref="GreyBlur"/>; the colour bar goes too: the legend under it stays readable).</summary>
    internal static byte[] BlurPng(byte[] png) => GreyBlur.Png(png);
}
