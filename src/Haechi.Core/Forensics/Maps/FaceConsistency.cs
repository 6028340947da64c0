using Haechi.Core.Forensics.Jpeg;

namespace Haechi.Core.Forensics.Maps;

/// <summary>Noise, sharpness and JPEG grid of one face box against the ring of picture around it.</summary>
/// <param name="NoiseFace">Noise σ inside the box (grey levels, from the Haar HH details, edges trimmed).</param>
/// <param name="NoiseRing">Noise σ in the ring around the box.</param>
/// <param name="SharpnessFace">Sharpness inside the box: 90th percentile of |Haar LH| and |HL| (grey levels).</param>
/// <param name="SharpnessRing">The same in the ring.</param>
/// <param name="FaceGrid">The JPEG grid origin (x, y, 0..7 in picture coordinates) that the box itself shows with NFA &lt; 1, or null.</param>
/// <param name="MainGrid">The picture's main JPEG grid origin with NFA &lt; 1, or null.</param>
public sealed record FaceRegionStats(float NoiseFace, float NoiseRing, float SharpnessFace, float SharpnessRing, (int X, int Y)? FaceGrid, (int X, int Y)? MainGrid)
{
    /// <summary>Noise ratio face / ring (σ floored at 0.1 in the face and 0.2 in the ring).</summary>
    public float NoiseRatio => Math.Max(0.1f, NoiseFace) / Math.Max(0.2f, NoiseRing);

    /// <summary>Sharpness ratio face / ring (floored at 1 grey level).</summary>
    public float SharpnessRatio => Math.Max(0.5f, SharpnessFace) / Math.Max(1f, SharpnessRing);

    /// <summary>True when the box shows its own JPEG grid, and it is not the picture's main grid.</summary>
    public bool GridDiffers => FaceGrid is { } face && MainGrid is { } main && face != main;
}

/// <summary>
/// Face region against background consistency: a face pasted from another picture often carries
/// another noise level (another camera, denoising, another compression), another sharpness (blurred
/// to hide seams, or upscaled), or another JPEG grid. Each face box is compared with the ring around
/// it (the box enlarged ×2.2, without the box enlarged ×1.2). Faces are naturally smoother than hair
/// and backgrounds, so only large ratios count (<see cref="NoiseLowLimit"/>, <see cref="NoiseHighLimit"/>,
/// <see cref="SharpnessLimit"/> softer or 4× sharper); a JPEG grid of the face's own (NFA &lt; 1 on the box)
/// that is not the picture's main grid counts too.
/// </summary>
public static class FaceConsistency
{
    /// <summary>A face this many times less noisy than its ring is inconsistent (blurred, denoised or generated).</summary>
    public const float NoiseLowLimit = 2.8f;

    /// <summary>A face this many times noisier than its ring is inconsistent (faces on very smooth backgrounds read up to ×2.8 in untouched photos).</summary>
    public const float NoiseHighLimit = 4f;

    /// <summary>A face sharper or softer than its ring beyond this factor is inconsistent (untouched faces read ×0.59..×2.46).</summary>
    public const float SharpnessLimit = 2.5f;

    /// <summary>Measures one face box (pixels) in a luminance plane; <paramref name="main"/> is the whole picture's grid result (or null when not computed).</summary>
    public static FaceRegionStats Measure(ReadOnlySpan<byte> luma, int width, int height, (int X, int Y, int Width, int Height) face, JpegGridResult? main)
    {
        if ((long)width * height > luma.Length)
        {
            ThrowHelper.ThrowArgument(nameof(luma), "The luminance buffer is smaller than width × height.");
        }

        var inner = Clip(face, 1.0f, width, height);
        var hole = Clip(face, 1.2f, width, height);
        var outer = Clip(face, 2.2f, width, height);
        var faceHh = new List<float>();
        var faceDetail = new List<float>();
        var ringHh = new List<float>();
        var ringDetail = new List<float>();
        for (var y = outer.Y0 & ~1; y + 1 < outer.Y1; y += 2)
        {
            for (var x = outer.X0 & ~1; x + 1 < outer.X1; x += 2)
            {
                var inFace = x >= inner.X0 && x + 1 < inner.X1 && y >= inner.Y0 && y + 1 < inner.Y1;
                var inHole = x + 1 >= hole.X0 && x < hole.X1 && y + 1 >= hole.Y0 && y < hole.Y1;
                if (!inFace && inHole)
                {
                    continue;
                }

                var row = y * width;
                int a = luma[row + x], b = luma[row + x + 1], c = luma[row + width + x], d = luma[row + width + x + 1];
                var hh = Math.Abs((a - b - c + d) / 2f);
                var lh = Math.Abs((a + b - c - d) / 2f);
                var hl = Math.Abs((a - b + c - d) / 2f);
                (inFace ? faceHh : ringHh).Add(hh);
                var details = inFace ? faceDetail : ringDetail;
                details.Add(lh);
                details.Add(hl);
            }
        }

        (int X, int Y)? faceGrid = null;
        (int X, int Y)? mainGrid = main is { HasMainGrid: true } ? (main.MainGridX, main.MainGridY) : null;
        var fw = inner.X1 - inner.X0;
        var fh = inner.Y1 - inner.Y0;
        if (mainGrid is not null && fw >= 64 && fh >= 64)
        {
            var crop = new byte[fw * fh];
            for (var y = 0; y < fh; y++)
            {
                luma.Slice(((inner.Y0 + y) * width) + inner.X0, fw).CopyTo(crop.AsSpan(y * fw, fw));
            }

            var local = JpegGridDetector.Detect(crop, fw, fh);
            if (local.HasMainGrid)
            {
                faceGrid = ((local.MainGridX + inner.X0) % 8, (local.MainGridY + inner.Y0) % 8);
            }
        }

        return new FaceRegionStats(Sigma(faceHh), Sigma(ringHh), Percentile(faceDetail, 0.9f), Percentile(ringDetail, 0.9f), faceGrid, mainGrid);
    }

    /// <summary>True when any measure is beyond its limit.</summary>
    public static bool IsInconsistent(FaceRegionStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return stats.NoiseRatio > NoiseHighLimit || stats.NoiseRatio < 1 / NoiseLowLimit
            || stats.SharpnessRatio > SharpnessLimit * 1.6f || stats.SharpnessRatio < 1 / SharpnessLimit
            || stats.GridDiffers;
    }

    private static (int X0, int Y0, int X1, int Y1) Clip((int X, int Y, int Width, int Height) box, float scale, int width, int height)
    {
        var cx = box.X + (box.Width / 2f);
        var cy = box.Y + (box.Height / 2f);
        var hw = box.Width * scale / 2f;
        var hh = box.Height * scale / 2f;
        return (Math.Clamp((int)(cx - hw), 0, width), Math.Clamp((int)(cy - hh), 0, height), Math.Clamp((int)(cx + hw), 0, width), Math.Clamp((int)(cy + hh), 0, height));
    }

    /// <summary>
    /// σ from the lower 80 % of |HH| (edges trimmed): 1.2533 × their mean, as for a Gaussian (mean |x| = σ·√(2/π)), biased low by
    /// the trim alike in face and ring. The mean, unlike the median, stays continuous on the half-integer values of 8-bit pictures.
    /// </summary>
    private static float Sigma(List<float> hh)
    {
        if (hh.Count < 16)
        {
            return float.NaN;
        }

        hh.Sort();
        var count = (int)(hh.Count * 0.8f);
        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            sum += hh[i];
        }

        return (float)(1.2533 * sum / count);
    }

    private static float Percentile(List<float> values, float q)
    {
        if (values.Count == 0)
        {
            return float.NaN;
        }

        values.Sort();
        return values[Math.Min(values.Count - 1, (int)(q * values.Count))];
    }
}
