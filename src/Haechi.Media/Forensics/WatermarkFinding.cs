using System.Globalization;
using System.Text;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Watermarks;
using Haechi.Media.Images;

namespace Haechi.Media.Forensics;

/// <summary>Reads the Stable Diffusion <c>dwtDct</c> invisible watermark from decoded pixels and explains the result.</summary>
internal static class WatermarkFinding
{
    /// <summary>Corrected log10 false-match probability below which the watermark counts as present.</summary>
    public const double StrongLog10 = -6;

    /// <summary>Corrected log10 false-match probability below which agreement is reported as worth a look.</summary>
    public const double WeakLog10 = -3;

    private const string Method = "invisible-watermark";

    private const string Limits =
        "Only the dwtDct watermark of the invisible-watermark package with the public Stable Diffusion payloads is read. Resizing, cropping by a " +
        "number of pixels that is not a multiple of 4, rotation, strong JPEG compression or screenshots remove it, and most other generators and " +
        "many user interfaces never embed it, so its absence proves nothing. Anyone can embed it into any picture: its presence shows which " +
        "software last processed the picture, not who ran it.";

    public static ForensicFinding Create(DecodedImage? image, string? problem)
    {
        if (image is null)
        {
            return new ForensicFinding(Method, EvidenceBand.Inconclusive, "The invisible watermark check did not run: " + problem, Limits);
        }

        if ((long)image.Width * image.Height < DwtDctWatermark.MinPixels)
        {
            return new ForensicFinding(Method, EvidenceBand.NoEvidenceFound, "The picture is smaller than 256×256 pixels, which the watermark software refuses to mark; the check does not apply.", Limits);
        }

        if (image.Format != Core.Hashing.Pdq.PixelFormat.Rgb24)
        {
            return new ForensicFinding(Method, EvidenceBand.NoEvidenceFound, "The picture is greyscale: it has no colour channel that could carry the watermark.", Limits);
        }

        var comparisons = WatermarkSearch.Compare(image.Pixels, image.Width, image.Height);
        var correction = Math.Log10(WatermarkSearch.Comparisons);
        var details = new List<KeyValuePair<string, string>>();
        foreach (var c in comparisons)
        {
            details.Add(new(
                Invariant($"{c.Watermark.Name} ({Describe(c.Order)})"),
                Invariant($"block contrast z = {c.BlockZ:F1} (chance without the watermark 10^{c.Log10FalseMatchProbability:F1}); decoded payload {c.Agreeing}/{c.Length} bits agree; bytes {Convert.ToHexStringLower([.. c.DecodedBytes])}{Printable(c.DecodedBytes)}")));
        }

        details.Add(new("method", Invariant($"U channel of OpenCV YUV, Haar DWT level 1, 4×4 blocks, step {DwtDctWatermark.Scale}; decision on the block contrast (share of 1s in blocks meant to carry 1 vs 0), {WatermarkSearch.Comparisons} comparisons, probabilities corrected by ×{WatermarkSearch.Comparisons}")));
        var best = comparisons[0];
        var corrected = Math.Min(0, best.Log10FalseMatchProbability + correction);
        var agreement = Invariant($"\"{best.Watermark.Name}\" payload: {best.Agreeing} of {best.Length} decoded bits agree, block contrast z = {best.BlockZ:F1}; a picture without it shows this contrast with probability about 10^{corrected:F1}");
        if (corrected < StrongLog10)
        {
            return new ForensicFinding(
                Method,
                EvidenceBand.StrongEvidenceOfManipulation,
                "The picture carries the invisible watermark that " + best.Watermark.Origin + " embed into generated images (" + agreement + "): it was produced by, or passed through, that AI generator.",
                Limits,
                details);
        }

        if (corrected < WeakLog10)
        {
            return new ForensicFinding(
                Method,
                EvidenceBand.Inconclusive,
                "Traces that partly match a Stable Diffusion invisible watermark (" + agreement + "): a damaged watermark or chance.",
                Limits,
                details);
        }

        return new ForensicFinding(Method, EvidenceBand.NoEvidenceFound, "No Stable Diffusion invisible watermark was found (best: " + agreement + ").", Limits, details);
    }

    private static string Describe(WatermarkChannelOrder order) => order == WatermarkChannelOrder.Bgr ? "BGR" : "RGB read as BGR";

    private static string Printable(IReadOnlyList<byte> bytes)
    {
        var text = new StringBuilder(bytes.Count);
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return string.Empty;
            }

            text.Append((char)b);
        }

        return " = \"" + text + "\"";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
