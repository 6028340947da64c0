using System.Globalization;
using System.Net;
using System.Text;
using Haechi.Media;
using Haechi.Media.Images;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>One scanned image for the HTML report.</summary>
internal sealed record ScanReportItem(string Path, ScanResult Scan, List<FaceMatchView> Matches, List<BankMatchView>? BankMatches);

/// <summary>
/// A self-contained HTML report: for each image a small preview (blurred and grey unless revealed)
/// with the face boxes drawn over it, the fingerprint, the nudity scores and the face matches.
/// </summary>
internal static class ScanReport
{
    private const int PreviewSide = 360;

    public static void Write(string path, IReadOnlyList<ScanReportItem> items, bool reveal)
    {
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Haechi scan report</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}figure{display:inline-block;position:relative;margin:0}")
            .Append("img{display:block}.box{position:absolute;border:2px solid #e33;box-sizing:border-box}.box span{background:#e33;color:#fff;font-size:11px;padding:0 3px}")
            .Append("table{border-collapse:collapse;margin-bottom:2em}td{vertical-align:top;padding:6px 12px;border-bottom:1px solid #ddd}code{font-size:12px}</style>")
            .Append("<h1>Haechi scan report</h1><p>").Append(items.Count.ToString(c)).Append(" images. ")
            .Append(reveal ? "Previews are shown unblurred (--no-blur)." : "Previews are blurred and grey; rerun with --no-blur to reveal.")
            .Append(" Nudity scores are triage scores, not verdicts.</p><table>");
        foreach (var item in items.OrderByDescending(i => i.Scan.Nudity?.Priority ?? 0))
        {
            html.Append("<tr><td><figure>");
            try
            {
                var preview = ScanPreview.Jpeg(ImageFingerprinter.ReadFile(item.Path, ImageDecodeOptions.DefaultMaxFileBytes), PreviewSide, reveal);
                html.Append("<img alt=\"preview\" src=\"data:image/jpeg;base64,").Append(Convert.ToBase64String(preview)).Append("\">");
            }
            catch (MediaException)
            {
                html.Append("<p>(no preview)</p>");
            }

            foreach (var (face, index) in (item.Scan.Faces ?? []).Select((f, i) => (f.Face, i)))
            {
                html.Append(string.Create(c, $"<div class=\"box\" style=\"left:{100 * face.X / item.Scan.Width:F2}%;top:{100 * face.Y / item.Scan.Height:F2}%;width:{100 * face.Width / item.Scan.Width:F2}%;height:{100 * face.Height / item.Scan.Height:F2}%\"><span>{index} · {face.Score:F2}</span></div>"));
            }

            html.Append("</figure></td><td><b>").Append(WebUtility.HtmlEncode(item.Path)).Append("</b><br>")
                .Append(string.Create(c, $"{item.Scan.Width}×{item.Scan.Height}<br>PDQ <code>{item.Scan.Pdq}</code> quality {item.Scan.Quality}<br>"));
            if (item.Scan.Faces is { } faces)
            {
                html.Append(string.Create(c, $"faces: {faces.Count}<br>"));
            }

            if (item.Scan.Nudity is { } n)
            {
                html.Append(string.Create(c, $"nudity: drawing {n.Drawing:F2}, hentai {n.Hentai:F2}, neutral {n.Neutral:F2}, porn {n.Porn:F2}, sexy {n.Sexy:F2}<br>"));
            }

            foreach (var match in item.BankMatches ?? [])
            {
                html.Append(string.Create(c, $"bank match: {WebUtility.HtmlEncode(match.Bank)} entry {match.EntryId}, distance {match.Distance}, strength {match.Strength:F3} ({WebUtility.HtmlEncode(match.MatchedBy)})<br>"));
            }

            foreach (var match in item.Matches)
            {
                html.Append(string.Create(c, $"face {match.Face} matches {WebUtility.HtmlEncode(match.Bank)}/{WebUtility.HtmlEncode(match.Subject)} (similarity {match.Similarity:F3})<br>"));
            }

            html.Append("</td></tr>");
        }

        html.Append("</table></html>");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, html.ToString());
    }
}
