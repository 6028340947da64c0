using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Jpeg;

namespace Haechi.Media.Forensics;

/// <summary>Aligned double JPEG compression (coarser first save) from the DCT histograms of the luminance.</summary>
internal static class DoubleCompressionFinding
{
    private const string Method = "jpeg-double-compression";

    private const string Limits =
        "Shows the file was saved as JPEG at least twice (first at a coarser setting); platforms and editors both re-save, so this alone does not show what changed. " +
        "It misses a first save finer than the last, and re-saves that shifted the grid (see the JPEG grid check).";

    public static ForensicFinding Create((byte[] Luma, int Width, int Height, int OffsetX, int OffsetY) plane, IReadOnlyList<ushort> lumaTable)
    {
        var result = DoubleQuantizationDetector.Analyze(plane.Luma, plane.Width, plane.Height, lumaTable);
        var details = result.Evidence.Take(10)
            .Select(e => new KeyValuePair<string, string>(
                Invariant($"frequency ({e.Row}, {e.Column})"),
                Invariant($"last step {e.LastStep}, earlier step {e.PrimaryStep}: {e.Ratio:P0} of the expected values in the bins the earlier step cannot reach ({e.Samples:F0} expected)")))
            .ToList();
        if (!result.Detected)
        {
            return new ForensicFinding(Method, EvidenceBand.NoEvidenceFound, "No sign of an earlier, coarser JPEG compression on the same grid.", Limits, details);
        }

        return new ForensicFinding(
            Method,
            EvidenceBand.Inconclusive,
            Invariant($"The picture was JPEG-compressed at least twice: {result.Evidence.Count} frequencies show the empty histogram bins left by an earlier, coarser compression") +
            (result.PrimaryQuality is { } q ? Invariant($" (earlier quality about {q} on the IJG ladder).") : "."),
            Limits,
            details);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
