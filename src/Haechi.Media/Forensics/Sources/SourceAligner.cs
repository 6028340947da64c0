using System.Globalization;
using System.Runtime.InteropServices;
using Haechi.Core.Forensics.Sources;
using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;
using Haechi.Media.Vision;
using OpenCvSharp;

namespace Haechi.Media.Forensics.Sources;

/// <summary>
/// Aligns a suspect picture onto a candidate original with OpenCV: ORB features, ratio-tested
/// Hamming matches and a RANSAC homography (a face swap or a replaced body only adds outliers).
/// When fewer than <see cref="MinInliers"/> matches agree, the suspect is stretched onto the original
/// (same framing assumed, which is what a PDQ match implies). Then <see cref="ChangeMap"/> says
/// where the content differs, and the side-by-side and heatmap figures are rendered.
/// </summary>
internal static class SourceAligner
{
    /// <summary>Longest side of the working grid (pixels).</summary>
    public const int WorkingSide = 640;

    /// <summary>Fewest agreeing matches for a homography to be used.</summary>
    public const int MinInliers = 15;

    private const int PanelSide = 360;

    public static SourceComparison Compare(SourceCandidate candidate, DecodedImage suspectImage, IReadOnlyList<DetectedFace>? suspectFaces, DecodedImage referenceImage, DihedralTransform transform, bool reveal)
    {
        using var reference = ToBgr(referenceImage, WorkingSide);
        using var suspectRaw = ToBgr(suspectImage, WorkingSide);
        using var suspect = Apply(suspectRaw, transform);
        using var referenceGrey = reference.CvtColor(ColorConversionCodes.BGR2GRAY);
        using var suspectGrey = suspect.CvtColor(ColorConversionCodes.BGR2GRAY);

        var (homography, inliers, spread) = FindHomography(suspectGrey, referenceGrey);
        (inliers, spread) = homography is null ? (0, 0) : (inliers, spread);
        var alignment = homography is null
            ? "stretched onto the original (too few matching features for a homography)"
            : string.Create(CultureInfo.InvariantCulture, $"ORB feature homography, {inliers} agreeing matches (RANSAC)");
        using var h = homography ?? Stretch(suspect.Size(), reference.Size());
        using var warpedGrey = new Mat();
        using var warpedColour = new Mat();
        using var coverage = new Mat();
        using var ones = new Mat(suspect.Size(), MatType.CV_8UC1, Scalar.All(255));
        Cv2.WarpPerspective(suspectGrey, warpedGrey, h, reference.Size(), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        Cv2.WarpPerspective(suspect, warpedColour, h, reference.Size(), InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        Cv2.WarpPerspective(ones, coverage, h, reference.Size(), InterpolationFlags.Nearest, BorderTypes.Constant, Scalar.All(0));

        var width = reference.Width;
        var height = reference.Height;
        var cell = Math.Max(8, Math.Max(width, height) / 48);
        // Both pictures blurred alike, more when the suspect was smaller than the original (its upscaled edges are soft):
        // resampling and edge misregistration must not read as content changes.
        var sigma = 0.8 + (0.6 * Math.Max(1, Math.Sqrt((double)reference.Width * reference.Height / Math.Max(1, suspect.Width * suspect.Height))));
        using var softSuspect = new Mat();
        using var softReference = new Mat();
        Cv2.GaussianBlur(warpedGrey, softSuspect, new Size(0, 0), sigma);
        Cv2.GaussianBlur(referenceGrey, softReference, new Size(0, 0), sigma);
        using var inner = new Mat();
        using var kernel = Cv2.GetStructuringElement(MorphShapes.Rect, new Size(1 + (2 * (int)Math.Ceiling(2 * sigma)), 1 + (2 * (int)Math.Ceiling(2 * sigma))));
        Cv2.Erode(coverage, inner, kernel); // the blur mixes the black outside into the suspect's border
        var change = ChangeMap.Compute(Bytes(softSuspect), Bytes(softReference), Bytes(inner), width, height, cell);

        bool? onFaces = null;
        if (suspectFaces is not null && change.ChangedCells > 0)
        {
            var boxes = FaceBoxesOnReference(suspectFaces, suspectImage, suspectRaw.Size(), transform, h).ToList();
            onFaces = ChangedCellsOn(change, boxes) * 2 >= change.ChangedCells;
        }

        (int, int, int, int)? area = null;
        if (change.ChangedBox is { } changed)
        {
            var toSource = (double)referenceImage.SourceWidth / width;
            area = ((int)(changed.X * toSource), (int)(changed.Y * toSource), (int)Math.Ceiling(changed.Width * toSource), (int)Math.Ceiling(changed.Height * toSource));
        }

        var high = Math.Max(change.Threshold * 2, 24);
        var map = new ForensicMap("source-match", "Difference from " + Path.GetFileName(candidate.Reference), SignalMapFindings.Render(change.Map, 0, high), 0, high, "mean difference per area (grey levels)", change.Map);
        return new SourceComparison(candidate, alignment, inliers, spread, change, onFaces, area, SideBySide(warpedColour, coverage, reference, change, reveal), map);
    }

    private static (Mat? Homography, int Inliers, double Spread) FindHomography(Mat suspect, Mat reference)
    {
        using var orb = ORB.Create(3000);
        using var suspectDescriptors = new Mat();
        using var referenceDescriptors = new Mat();
        orb.DetectAndCompute(suspect, null, out var suspectPoints, suspectDescriptors);
        orb.DetectAndCompute(reference, null, out var referencePoints, referenceDescriptors);
        if (suspectPoints.Length < MinInliers || referencePoints.Length < MinInliers)
        {
            return (null, 0, 0);
        }

        using var matcher = new BFMatcher(NormTypes.Hamming);
        var pairs = matcher.KnnMatch(suspectDescriptors, referenceDescriptors, 2);
        var source = new List<Point2d>(pairs.Length);
        var target = new List<Point2d>(pairs.Length);
        foreach (var pair in pairs)
        {
            if (pair.Length == 2 && pair[0].Distance < 0.8f * pair[1].Distance)
            {
                var s = suspectPoints[pair[0].QueryIdx].Pt;
                var r = referencePoints[pair[0].TrainIdx].Pt;
                source.Add(new Point2d(s.X, s.Y));
                target.Add(new Point2d(r.X, r.Y));
            }
        }

        if (source.Count < MinInliers)
        {
            return (null, 0, 0);
        }

        using var mask = new Mat();
        var homography = Cv2.FindHomography(source, target, HomographyMethods.Ransac, 4.0, mask);
        var inliers = mask.Empty() ? 0 : Cv2.CountNonZero(mask);
        if (homography.Empty() || inliers < MinInliers || !Plausible(homography))
        {
            homography.Dispose();
            return (null, inliers, 0);
        }

        double x0 = double.MaxValue, y0 = double.MaxValue, x1 = double.MinValue, y1 = double.MinValue;
        for (var i = 0; i < source.Count; i++)
        {
            if (mask.At<byte>(i) != 0)
            {
                (x0, y0, x1, y1) = (Math.Min(x0, source[i].X), Math.Min(y0, source[i].Y), Math.Max(x1, source[i].X), Math.Max(y1, source[i].Y));
            }
        }

        return (homography, inliers, (x1 - x0) * (y1 - y0) / ((double)suspect.Width * suspect.Height));
    }

    /// <summary>A homography that keeps the picture roughly a picture: scale within 1/5..5, little perspective.</summary>
    private static bool Plausible(Mat h)
    {
        var a = h.At<double>(0, 0);
        var b = h.At<double>(0, 1);
        var c = h.At<double>(1, 0);
        var d = h.At<double>(1, 1);
        var determinant = (a * d) - (b * c);
        return determinant is > 0.04 and < 25 && Math.Abs(h.At<double>(2, 0)) < 0.002 && Math.Abs(h.At<double>(2, 1)) < 0.002;
    }

    private static Mat Stretch(Size from, Size to)
    {
        var m = new Mat(3, 3, MatType.CV_64FC1, Scalar.All(0));
        m.Set(0, 0, (double)to.Width / from.Width);
        m.Set(1, 1, (double)to.Height / from.Height);
        m.Set(2, 2, 1.0);
        return m;
    }

    private static Mat Apply(Mat image, DihedralTransform transform)
    {
        var result = new Mat();
        switch (transform)
        {
            case DihedralTransform.FlipX:
                Cv2.Flip(image, result, FlipMode.X);
                break;
            case DihedralTransform.FlipY:
                Cv2.Flip(image, result, FlipMode.Y);
                break;
            case DihedralTransform.FlipPlus1:
                Cv2.Transpose(image, result);
                break;
            case DihedralTransform.FlipMinus1:
                using (var transposed = new Mat())
                {
                    Cv2.Transpose(image, transposed);
                    Cv2.Flip(transposed, result, FlipMode.XY);
                }

                break;
            default:
                // Rotations need no help: ORB features are rotation invariant and the homography turns the picture.
                image.CopyTo(result);
                break;
        }

        return result;
    }

    /// <summary>The suspect's face boxes carried onto the original's working grid.</summary>
    private static IEnumerable<(double X0, double Y0, double X1, double Y1)> FaceBoxesOnReference(IReadOnlyList<DetectedFace> faces, DecodedImage suspect, Size working, DihedralTransform transform, Mat h)
    {
        var sx = (double)working.Width / suspect.SourceWidth;
        var sy = (double)working.Height / suspect.SourceHeight;
        foreach (var face in faces)
        {
            var corners = new Point2d[]
            {
                Flip(new(face.X * sx, face.Y * sy), working, transform),
                Flip(new((face.X + face.Width) * sx, face.Y * sy), working, transform),
                Flip(new(face.X * sx, (face.Y + face.Height) * sy), working, transform),
                Flip(new((face.X + face.Width) * sx, (face.Y + face.Height) * sy), working, transform),
            };
            var mapped = Cv2.PerspectiveTransform(corners, h);
            double x0 = mapped.Min(p => p.X), y0 = mapped.Min(p => p.Y), x1 = mapped.Max(p => p.X), y1 = mapped.Max(p => p.Y);
            double mx = (x1 - x0) * 0.15, my = (y1 - y0) * 0.15; // ×1.3 around the centre: hair, chin and blending seams
            yield return (x0 - mx, y0 - my, x1 + mx, y1 + my);
        }
    }

    private static Point2d Flip(Point2d p, Size size, DihedralTransform transform) => transform switch
    {
        DihedralTransform.FlipX => new(p.X, size.Height - p.Y),
        DihedralTransform.FlipY => new(size.Width - p.X, p.Y),
        DihedralTransform.FlipPlus1 => new(p.Y, p.X),
        DihedralTransform.FlipMinus1 => new(size.Height - p.Y, size.Width - p.X),
        _ => p,
    };

    /// <summary>Changed cells whose centre lies in one of the boxes.</summary>
    private static int ChangedCellsOn(ChangeSummary change, List<(double X0, double Y0, double X1, double Y1)> boxes)
    {
        var map = change.Map;
        var count = 0;
        for (var i = 0; i < map.Values.Length; i++)
        {
            if (!change.Changed[i])
            {
                continue;
            }

            var (row, column) = Math.DivRem(i, map.Columns);
            var cx = (column + 0.5) * map.CellSize;
            var cy = (row + 0.5) * map.CellSize;
            foreach (var (x0, y0, x1, y1) in boxes)
            {
                if (cx >= x0 && cx < x1 && cy >= y0 && cy < y1)
                {
                    count++;
                    break;
                }
            }
        }

        return count;
    }

    /// <summary>Suspect (aligned) | original, changed areas tinted red and outlined; grey and blurred unless revealed.</summary>
    private static byte[] SideBySide(Mat warpedSuspect, Mat coverage, Mat reference, ChangeSummary change, bool reveal)
    {
        var scale = (double)PanelSide / Math.Max(reference.Width, reference.Height);
        var panel = new Size(Math.Max(1, (int)Math.Round(reference.Width * scale)), Math.Max(1, (int)Math.Round(reference.Height * scale)));
        const int Gap = 12;
        using var canvas = new Mat(panel.Height, (panel.Width * 2) + Gap, MatType.CV_8UC3, Scalar.All(255));
        var index = 0;
        foreach (var source in new[] { warpedSuspect, reference })
        {
            using var small = source.Resize(panel, 0, 0, InterpolationFlags.Area);
            using var shown = reveal ? small.Clone() : Obscure(small);
            if (index == 0)
            {
                using var uncovered = coverage.Resize(panel, 0, 0, InterpolationFlags.Nearest);
                using var notCovered = new Mat();
                Cv2.BitwiseNot(uncovered, notCovered);
                shown.SetTo(new Scalar(200, 200, 200), notCovered);
            }

            Tint(shown, change, scale);
            var target = new Mat(canvas, new Rect(index * (panel.Width + Gap), 0, panel.Width, panel.Height));
            shown.CopyTo(target);
            target.Dispose();
            index++;
        }

        Cv2.ImEncode(".png", canvas, out var png);
        return png;
    }

    /// <summary>The panel as every preview is shown before a reveal: <see cref="GreyBlur"/>.</summary>
    private static Mat Obscure(Mat small)
    {
        using var rgb = small.CvtColor(ColorConversionCodes.BGR2RGB);
        var pixels = new byte[small.Width * small.Height * 3];
        Marshal.Copy(rgb.Data, pixels, 0, pixels.Length);
        var grey = GreyBlur.Rgb24(pixels, small.Width, small.Height);
        using var blurred = new Mat(small.Height, small.Width, MatType.CV_8UC1);
        Marshal.Copy(grey, 0, blurred.Data, grey.Length);
        return blurred.CvtColor(ColorConversionCodes.GRAY2BGR);
    }

    private static void Tint(Mat panel, ChangeSummary change, double scale)
    {
        var map = change.Map;
        using var overlay = panel.Clone();
        for (var row = 0; row < map.Rows; row++)
        {
            for (var column = 0; column < map.Columns; column++)
            {
                if (change.Changed[(row * map.Columns) + column])
                {
                    var rect = new Rect((int)(column * map.CellSize * scale), (int)(row * map.CellSize * scale), (int)Math.Ceiling(map.CellSize * scale), (int)Math.Ceiling(map.CellSize * scale));
                    Cv2.Rectangle(overlay, rect, new Scalar(0, 0, 255), -1);
                }
            }
        }

        Cv2.AddWeighted(overlay, 0.45, panel, 0.55, 0, panel);
        if (change.ChangedBox is { } box)
        {
            Cv2.Rectangle(panel, new Rect((int)(box.X * scale), (int)(box.Y * scale), (int)(box.Width * scale), (int)(box.Height * scale)), new Scalar(0, 0, 255), 2);
        }
    }

    /// <summary>The decoded picture as an OpenCV BGR matrix, shrunk so that its longer side is at most <paramref name="maxSide"/>.</summary>
    private static Mat ToBgr(DecodedImage image, int maxSide)
    {
        var channels = image.Format.BytesPerPixel();
        var type = channels switch
        {
            1 => MatType.CV_8UC1,
            2 => MatType.CV_8UC2,
            3 => MatType.CV_8UC3,
            _ => MatType.CV_8UC4,
        };
        using var raw = new Mat(image.Height, image.Width, type);
        Marshal.Copy(image.Pixels, 0, raw.Data, image.Width * image.Height * channels);
        using var bgr = channels switch
        {
            1 => raw.CvtColor(ColorConversionCodes.GRAY2BGR),
            2 => GreyAlphaToBgr(raw),
            3 => raw.CvtColor(ColorConversionCodes.RGB2BGR),
            _ => raw.CvtColor(ColorConversionCodes.RGBA2BGR),
        };
        var scale = Math.Min(1.0, (double)maxSide / Math.Max(image.Width, image.Height));
        return scale >= 1 ? bgr.Clone() : bgr.Resize(new Size(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale))), 0, 0, InterpolationFlags.Area);
    }

    private static Mat GreyAlphaToBgr(Mat greyAlpha)
    {
        using var grey = new Mat();
        Cv2.ExtractChannel(greyAlpha, grey, 0);
        return grey.CvtColor(ColorConversionCodes.GRAY2BGR);
    }

    private static byte[] Bytes(Mat mat)
    {
        using var continuous = mat.Clone(); // a clone is continuous
        var bytes = new byte[continuous.Rows * continuous.Cols * continuous.ElemSize()];
        Marshal.Copy(continuous.Data, bytes, 0, bytes.Length);
        return bytes;
    }
}
