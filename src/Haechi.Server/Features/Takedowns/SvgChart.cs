using System.Globalization;
using System.Net;
using System.Text;

namespace Haechi.Server.Features.Takedowns;

/// <summary>
/// Horizontal bar charts as inline SVG, rendered on the server (no script): one bar per label,
/// scaled to the largest value, with the value written beside the bar and a title for screen readers.
/// </summary>
internal static class SvgChart
{
    private const int Width = 560;
    private const int LabelWidth = 180;
    private const int BarHeight = 20;
    private const int Gap = 6;

    public static string Bars(string title, IReadOnlyList<(string Label, double Value)> bars, string valueFormat = "0.##")
    {
        ArgumentNullException.ThrowIfNull(bars);
        var height = Math.Max(1, bars.Count) * (BarHeight + Gap) + Gap;
        var max = 0.0;
        foreach (var (_, value) in bars)
        {
            max = Math.Max(max, value);
        }

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">");
        svg.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append("</title>");
        var plot = Width - LabelWidth - 60;
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = Gap + (i * (BarHeight + Gap));
            var length = max > 0 ? Math.Max(value > 0 ? 1 : 0, (int)Math.Round(plot * value / max)) : 0;
            var text = value.ToString(valueFormat, CultureInfo.InvariantCulture);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\" font-size=\"13\">").Append(WebUtility.HtmlEncode(label)).Append("</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y}\" width=\"{length}\" height=\"{BarHeight}\" fill=\"#3b6ea5\"><title>").Append(WebUtility.HtmlEncode(label)).Append(": ").Append(text).Append("</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + length + 6}\" y=\"{y + 15}\" font-size=\"13\">{text}</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
