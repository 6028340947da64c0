using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Core.Forensics.Jpeg;
using Haechi.Core.Forensics.Maps;
using Haechi.Media.Images;
using Haechi.Media.Vision;

namespace Haechi.Media.Forensics;

/// <summary>
/// <c>face-consistency</c>: each detected face box against the ring of picture around it (noise level,
/// sharpness, JPEG grid), as a finding and a noise heatmap with the face boxes outlined.
/// </summary>
internal static class FaceConsistencyFinding
{
    private const string Limits = "Faces are smoother than hair and backgrounds, make-up and skin smoothing filters lower their noise, portrait modes blur backgrounds, and a whole picture re-saved at low quality evens everything out; so only large differences count and the result is a pointer for a reviewer, not proof. A face swap made and then blended by a generator over the whole picture shows no difference.";

    /// <param name="image">The decoded picture.</param>
    /// <param name="detected">The confident faces the analyzer's single detection found (source-image coordinates).</param>
    /// <param name="gridPlane">The luma plane the JPEG grid was measured on, when there is one.</param>
    /// <param name="findings">Where the finding goes.</param>
    /// <param name="maps">Where the heatmap goes.</param>
    public static void Add(DecodedImage image, IReadOnlyList<DetectedFace> detected, (byte[] Luma, int Width, int Height, int OffsetX, int OffsetY)? gridPlane, List<ForensicFinding> findings, List<ForensicMap> maps)
    {
        var faces = detected.Where(f => f.Width >= 48).Take(12).ToList();
        if (faces.Count == 0)
        {
            findings.Add(new ForensicFinding("face-consistency", EvidenceBand.NoEvidenceFound, "No face was detected, so face against background consistency was not measured.", Limits));
            return;
        }

        var channels = image.Format == Core.Hashing.Pdq.PixelFormat.Grey8 ? 1 : 3;
        var luma = channels == 1 ? image.Pixels : SignalMapFindings.Luma(image.Pixels, image.Width * image.Height);
        var sx = (float)image.Width / image.SourceWidth;
        var sy = (float)image.Height / image.SourceHeight;
        JpegGridResult? grid = null;
        if (gridPlane is { } plane)
        {
            grid = JpegGridDetector.Detect(plane.Luma, plane.Width, plane.Height);
        }

        var details = new List<KeyValuePair<string, string>>();
        var boxes = new List<(int X, int Y, int Width, int Height)>();
        var inconsistent = 0;
        for (var i = 0; i < faces.Count; i++)
        {
            var face = faces[i];
            var box = ((int)(face.X * sx), (int)(face.Y * sy), (int)(face.Width * sx), (int)(face.Height * sy));
            boxes.Add(box);
            var stats = FaceConsistency.Measure(luma, image.Width, image.Height, box, null);
            if (grid is not null && gridPlane is { } p)
            {
                // The grid plane is a central crop: measure the grid there, in its own coordinates, then back to the picture's.
                var local = (box.Item1 - p.OffsetX, box.Item2 - p.OffsetY, box.Item3, box.Item4);
                if (local.Item1 >= 0 && local.Item2 >= 0 && local.Item1 + local.Item3 <= p.Width && local.Item2 + local.Item4 <= p.Height)
                {
                    var onPlane = FaceConsistency.Measure(p.Luma, p.Width, p.Height, local, grid);
                    stats = stats with { FaceGrid = Shift(onPlane.FaceGrid, p.OffsetX, p.OffsetY), MainGrid = Shift(onPlane.MainGrid, p.OffsetX, p.OffsetY) };
                }
            }

            var bad = FaceConsistency.IsInconsistent(stats);
            inconsistent += bad ? 1 : 0;
            details.Add(new(Invariant($"face {i + 1} at {box.Item1},{box.Item2} ({box.Item3}×{box.Item4})"), Describe(stats) + (bad ? " — inconsistent" : " — consistent")));
        }

        var cell = SignalMap.CellSizeFor(image.Width, image.Height, 16, SignalMapFindings.MaxCells);
        var noise = NoiseLevelMap.Compute(luma, image.Width, image.Height, cell);
        var high = Math.Max(1, noise.Median() * 3);
        maps.Add(new ForensicMap("face-consistency", "Noise level with the detected faces framed", SignalMapFindings.Render(noise, 0, high, boxes), 0, high, "estimated noise σ (grey levels); red frames = faces", noise));
        findings.Add(inconsistent == 0
            ? new ForensicFinding("face-consistency", EvidenceBand.NoEvidenceFound, Invariant($"{faces.Count} face(s) measured: noise, sharpness and JPEG grid inside each face box agree with the picture around it (limits: noise ×1/{FaceConsistency.NoiseLowLimit}..×{FaceConsistency.NoiseHighLimit}, sharpness ×1/{FaceConsistency.SharpnessLimit}..×{FaceConsistency.SharpnessLimit * 1.6f}, same JPEG grid)."), Limits, details)
            : new ForensicFinding("face-consistency", EvidenceBand.Inconclusive, Invariant($"{inconsistent} of {faces.Count} face(s) differ from the picture around them (noise outside ×1/{FaceConsistency.NoiseLowLimit}..×{FaceConsistency.NoiseHighLimit}, sharpness outside ×1/{FaceConsistency.SharpnessLimit}..×{FaceConsistency.SharpnessLimit * 1.6f}, or a JPEG grid of its own): such a face may have been pasted from another picture. See the details and the map."), Limits, details));
    }

    private static (int X, int Y)? Shift((int X, int Y)? grid, int dx, int dy) => grid is { } g ? ((g.X + dx) % 8, (g.Y + dy) % 8) : null;

    private static string Describe(FaceRegionStats s)
    {
        var grid = s.FaceGrid is { } f
            ? (s.MainGrid is { } m ? Invariant($"grid in face ({f.X},{f.Y}) vs picture ({m.X},{m.Y})") : Invariant($"grid in face ({f.X},{f.Y}), none in the picture"))
            : "no grid of its own in the face";
        return Invariant($"noise σ {s.NoiseFace:F2} in face vs {s.NoiseRing:F2} around (×{s.NoiseRatio:F2}); sharpness {s.SharpnessFace:F1} vs {s.SharpnessRing:F1} (×{s.SharpnessRatio:F2}); {grid}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
