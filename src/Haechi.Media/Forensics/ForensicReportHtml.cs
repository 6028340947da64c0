using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics.Sources;

namespace Haechi.Media.Forensics;

/// <summary>
/// A self-contained HTML report (no scripts, no external resources, no image content) that a
/// reviewer can read without training: what each method checked, what it found, what it cannot show.
/// </summary>
public static class ForensicReportHtml
{
    private static readonly Dictionary<string, (string Title, string Checks)> Methods = new(StringComparer.Ordinal)
    {
        ["generator-metadata"] = ("AI generator records", "Text that image generators write into files: AUTOMATIC1111/Forge parameters, ComfyUI workflows, InvokeAI and NovelAI records, EXIF UserComment."),
        ["stealth-pnginfo"] = ("Hidden generator payload", "Generator settings hidden in the lowest bits of the transparency channel (NovelAI and the stealth-pnginfo extension)."),
        ["iptc-digital-source-type"] = ("Declared source type", "The IPTC 'digital source type' the producing software declared (camera capture, AI-generated, composite…)."),
        ["edit-software"] = ("Editing software traces", "Names of programs that wrote the file (EXIF Software, XMP history, Photoshop segments)."),
        ["c2pa"] = ("Content credentials (C2PA)", "A cryptographically signed record of who made the file and how, and whether the file changed since it was signed."),
        ["jpeg-structure"] = ("JPEG file structure", "Whether the file's internal segments are intact, and data appended after the image."),
        ["jpeg-quantisation"] = ("JPEG compression settings", "The compression tables, the estimated quality, and which encoder family uses those tables."),
        ["png-structure"] = ("PNG file structure", "Whether the file's chunks are intact (checksums), its text records, and data appended after the image."),
        ["jpeg-grid"] = ("JPEG grid consistency", "Whether every part of the picture follows the same 8×8 JPEG compression grid; pasted content often follows another (ZERO method)."),
        ["jpeg-double-compression"] = ("JPEG re-compression", "Whether the picture was saved as JPEG more than once (an earlier, coarser save leaves gaps in the compression statistics)."),
        ["invisible-watermark"] = ("Invisible generator watermark", "The hidden watermark that Stable Diffusion's reference scripts and SDXL pipelines embed in the colour channel of generated pictures (invisible-watermark dwtDct)."),
        ["noise-map"] = ("Noise level map", "How much fine noise each area of the picture holds (wavelet estimate per area); pasted or generated regions often differ from their surroundings."),
        ["error-level"] = ("Error level map", "How much each area changes when the picture is saved again as JPEG; areas with another compression history often change differently."),
        ["source-match"] = ("Original photo search", "Searches the reference folder, hash banks and enrolled faces for the photo(s) this picture was made from (same photo by PDQ, also outside the faces; same face by face similarity), then lines both up and marks what changed."),
        ["face-consistency"] = ("Face against background", "Whether each detected face has the same noise level, sharpness and JPEG grid as the picture around it; a face pasted from another picture often differs."),
        ["decode"] = ("Picture decoding", "Whether the picture itself could be decoded."),
        ["metadata"] = ("Metadata", "EXIF, XMP, IPTC and ICC metadata."),
    };

    /// <summary>The whole report as one HTML document.</summary>
    /// <param name="files">Each file's name or path, and its analysis.</param>
    /// <param name="generatedAt">When the report is made.</param>
    /// <param name="revealHint">How a reader gets the pictures shown sharp and in colour (the CLI's <c>--reveal</c>, the server's reveal button).</param>
    public static string Render(IReadOnlyList<(string Path, ForensicReport Report)> files, DateTimeOffset generatedAt, string revealHint = "made with --reveal")
    {
        ArgumentNullException.ThrowIfNull(files);
        var html = new StringBuilder(16 * 1024);
        var version = typeof(ForensicReportHtml).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Haechi forensic analysis report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK KR",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330;line-height:1.45}
            h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.25rem;margin:2rem 0 .5rem;word-break:break-all} .meta{color:#555;font-size:.9rem}
            .guide{background:#f4f6fa;border:1px solid #d9dee8;border-radius:8px;padding:1rem 1.2rem;margin:1rem 0}
            .guide ul{margin:.3rem 0 0 0;padding-left:1.2rem}
            .band{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-weight:600;font-size:.85rem;white-space:nowrap}
            .strong{background:#fde2e1;color:#8a1c14;border:1px solid #e9a19b} .inconclusive{background:#fff3cd;color:#6b4e00;border:1px solid #e6cf7a} .none{background:#e6f0ea;color:#245a3a;border:1px solid #9cc5ad}
            table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem} th,td{border-bottom:1px solid #e2e5ec;padding:.55rem .5rem;vertical-align:top;text-align:left}
            th{background:#f7f8fb;font-size:.85rem;color:#444} td.method{width:12rem} td.method small{color:#666;display:block;font-size:.8rem}
            td.limits{color:#555;font-size:.85rem;width:17rem} details{margin-top:.35rem;font-size:.85rem} summary{cursor:pointer;color:#2a4d8f}
            dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.4rem 0} dt{color:#555} dd{margin:0;word-break:break-all;font-family:ui-monospace,monospace;font-size:.8rem;white-space:pre-wrap}
            .maps{display:flex;flex-wrap:wrap;gap:1.5rem;margin:.5rem 0 1rem} figure{margin:0;max-width:26rem} figure img{width:100%;max-width:26rem;image-rendering:pixelated;border:1px solid #d9dee8}
            figcaption{font-size:.82rem;color:#444} .scale{display:flex;justify-content:space-between;font-size:.78rem;color:#555;font-family:ui-monospace,monospace}
            .hashes{font-family:ui-monospace,monospace;font-size:.82rem;word-break:break-all} .file{border-top:3px solid #1d2330;margin-top:2rem}
            @media print{.guide{break-inside:avoid} details{display:block} details>*{display:block}}
            </style></head><body>
            <h1>Haechi forensic analysis report</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Generated {Encode(generatedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))} by Haechi {Encode(version)} · {files.Count} file(s) · the pictures themselves are not shown in this report (source-match side-by-sides are grey and blurred unless {Encode(revealHint)}); heatmaps are coarse (at most 64 areas a side).</p>");
        html.Append($"""
            <div class="guide"><strong>How to read this report.</strong> Each check below looks at one kind of evidence and gives one of three results:
            <ul><li><span class="band strong">{EvidenceBandText.StrongEvidenceOfManipulation}</span> the file itself declares or proves it was generated or altered (for example an AI generator's record, or a broken digital seal).</li>
            <li><span class="band inconclusive">{EvidenceBandText.Inconclusive}</span> something worth a closer look, or the check could not decide.</li>
            <li><span class="band none">{EvidenceBandText.NoEvidenceFound}</span> the check found nothing. This is <em>not</em> proof that the picture is real: evidence is easily removed, for example when a platform strips metadata.</li></ul>
            None of these results means that the picture is authentic: Haechi never certifies a picture as real. Read the "What it cannot show" column before relying on a result.</div>
            """);
        foreach (var (path, report) in files)
        {
            AppendFile(html, path, report, revealHint);
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void AppendFile(StringBuilder html, string path, ForensicReport report, string revealHint)
    {
        html.Append("<section class=\"file\"><h2>").Append(Encode(Path.GetFileName(path))).Append("</h2>");
        html.Append("<p>Overall: ").Append(Badge(report.OverallBand)).Append(" <span class=\"meta\">(the strongest result of the checks below)</span></p>");
        html.Append("<dl class=\"hashes\">");
        Row(html, "path", path);
        Row(html, "SHA-256", report.Sha256);
        Row(html, "MD5", report.Md5);
        Row(html, "PDQ", report.Pdq is null ? "not computed (picture not decodable)" : report.Pdq + " (quality " + report.PdqQuality?.ToString(CultureInfo.InvariantCulture) + ")");
        Row(html, "format", string.Create(CultureInfo.InvariantCulture, $"{report.Format}, {report.Bytes:N0} bytes{(report.Width is { } w ? $", {w}×{report.Height} pixels" : string.Empty)}"));
        foreach (var (name, version) in report.Tools)
        {
            Row(html, "tool: " + name, version);
        }

        html.Append("</dl>");
        html.Append("<table><thead><tr><th>Check</th><th>Result</th><th>What was found</th><th>What it cannot show</th></tr></thead><tbody>");
        var ordered = report.Findings.OrderByDescending(f => f.Band).ToList();
        foreach (var finding in ordered)
        {
            var (title, checks) = Methods.TryGetValue(finding.Method, out var known) ? known : (finding.Method, string.Empty);
            html.Append("<tr><td class=\"method\"><strong>").Append(Encode(title)).Append("</strong><small>").Append(Encode(checks)).Append("</small></td>");
            html.Append("<td>").Append(Badge(finding.Band)).Append("</td><td>").Append(Encode(finding.Summary));
            if (finding.Details.Count > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<details><summary>Details ({finding.Details.Count})</summary><dl>");
                foreach (var (key, value) in finding.Details)
                {
                    Row(html, key, value);
                }

                html.Append("</dl></details>");
            }

            html.Append("</td><td class=\"limits\">").Append(Encode(finding.Limits)).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        if (report.SourceMatches is { } sources)
        {
            AppendSources(html, sources, revealHint);
        }

        var maps = report.Maps.Where(m => m.Method != "source-match").ToList();
        if (maps.Count > 0)
        {
            html.Append("<h3>Supporting maps</h3><p class=\"meta\">Each area of the picture is one coloured square: dark blue = low, yellow = high (colour bar under each map). Look for a region that differs from similar surfaces around it; edges and texture differ in untouched pictures too.</p><div class=\"maps\">");
            foreach (var map in maps)
            {
                html.Append("<figure><img alt=\"").Append(Encode(map.Title)).Append(" heatmap\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(map.Png)).Append("\">");
                html.Append(CultureInfo.InvariantCulture, $"<div class=\"scale\"><span>{map.Low:0.##}</span><span>{Encode(map.Unit)}</span><span>{map.High:0.##}</span></div>");
                html.Append("<figcaption><strong>").Append(Encode(map.Title)).Append("</strong></figcaption></figure>");
            }

            html.Append("</div>");
        }

        html.Append("</section>");
    }

    private static void AppendSources(StringBuilder html, SourceMatchResult sources, string revealHint)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h3>Original photo search</h3><p class=\"meta\">Searched {sources.FilesSearched} reference picture(s), {sources.BankEntriesSearched} bank hash(es) and {sources.EnrolledFacesSearched} enrolled face(s). A strength of 0.50 is exactly at a signal's match threshold; 1.00 is identical.</p>");
        if (sources.Candidates.Count == 0)
        {
            html.Append("<p>No original was found.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>#</th><th>Possible original</th><th>Strength</th><th>Signals compared</th></tr></thead><tbody>");
            for (var i = 0; i < sources.Candidates.Count; i++)
            {
                var candidate = sources.Candidates[i];
                var kind = candidate.Kind switch
                {
                    SourceKinds.File => "reference picture",
                    SourceKinds.Bank => "hash bank entry",
                    _ => "enrolled face",
                };
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{i + 1}</td><td><strong>{Encode(candidate.Kind == SourceKinds.File ? Path.GetFileName(candidate.Reference) : candidate.Reference)}</strong><small style=\"display:block;color:#666\">{kind}</small></td><td>{candidate.Strength:0.00}</td><td><ul style=\"margin:0;padding-left:1.1rem\">");
                foreach (var evidence in candidate.Evidence)
                {
                    html.Append("<li>").Append(evidence.Matched ? "<strong>match</strong> — " : "no match — ").Append(Encode(SourceMatchFinding.SignalText(evidence.Signal) + ": " + SourceMatchFinding.Value(evidence)));
                    if (evidence.Detail.Length > 0)
                    {
                        html.Append(" <span class=\"meta\">(").Append(Encode(evidence.Detail)).Append(")</span>");
                    }

                    html.Append("</li>");
                }

                html.Append("</ul></td></tr>");
            }

            html.Append("</tbody></table>");
        }

        foreach (var comparison in sources.Comparisons)
        {
            var name = Path.GetFileName(comparison.Candidate.Reference);
            html.Append("<h4>Compared with ").Append(Encode(name)).Append("</h4><p>").Append(Encode(SourceMatchFinding.DescribeChange(comparison))).Append("</p><div class=\"maps\">");
            html.Append("<figure style=\"max-width:46rem\"><img style=\"max-width:46rem;image-rendering:auto\" alt=\"The suspect picture aligned onto the original, beside the original; changed areas in red\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(comparison.SideBySidePng)).Append("\">");
            html.Append("<div class=\"scale\"><span>◀ suspect picture (lined up with the original)</span><span>the original ▶</span></div>");
            html.Append("<figcaption><strong>Side by side.</strong> Red areas differ between the two pictures by more than re-encoding explains; the red frame surrounds all of them. Light grey on the left: parts of the original that the suspect picture does not cover. Pictures are shown grey and blurred unless the report was ").Append(Encode(revealHint)).Append(".</figcaption></figure>");
            var map = comparison.DifferenceMap;
            html.Append("<figure><img alt=\"Difference heatmap\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(map.Png)).Append("\">");
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"scale\"><span>{map.Low:0.##}</span><span>{Encode(map.Unit)}</span><span>{map.High:0.##}</span></div>");
            html.Append(CultureInfo.InvariantCulture, $"<figcaption><strong>How much each area differs</strong> (dark blue = same, yellow = very different; grey = not covered). Re-encoding alone leaves about {comparison.Change.MedianDifference:0.#} grey levels; areas above {comparison.Change.Threshold:0} count as changed.</figcaption></figure></div>");
        }

        foreach (var note in sources.Notes)
        {
            html.Append("<p class=\"meta\">").Append(Encode(note)).Append("</p>");
        }
    }

    private static void Row(StringBuilder html, string key, string value) =>
        html.Append("<dt>").Append(Encode(key)).Append("</dt><dd>").Append(Encode(value)).Append("</dd>");

    private static string Badge(EvidenceBand band)
    {
        var css = band switch
        {
            EvidenceBand.StrongEvidenceOfManipulation => "strong",
            EvidenceBand.Inconclusive => "inconclusive",
            _ => "none",
        };
        return "<span class=\"band " + css + "\">" + band.ToText() + "</span>";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
