using System.Buffers;
using Haechi.Media.Images;
using Haechi.Media.Models;

namespace Haechi.Media.Vision;

/// <summary>A face found in an image: box in source-image pixels (x, y, width, height), detector score 0..1, and six keypoints (x, y).</summary>
public sealed record DetectedFace(float X, float Y, float Width, float Height, float Score, float[] Keypoints)
{
    /// <summary>The longer side of the box, in source pixels.</summary>
    public float Size => MathF.Max(Width, Height);
}

/// <summary>Settings of <see cref="FaceDetector"/>.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>Minimum detector score (sigmoid of the logit).</summary>
    public float MinScore { get; init; } = 0.5f;

    /// <summary>Boxes overlapping a better one by more than this IoU are dropped.</summary>
    public float NmsIou { get; init; } = 0.1f;

    /// <summary>
    /// Images whose shorter side (in the source file) is at least this long are also scanned in
    /// overlapping square tiles, so that faces too small for one 256×256 pass (under ~40 px there)
    /// are found in large photos; 0 turns tiling off. Typical web images (720p, 1080×1080) take one
    /// pass; camera photos take five.
    /// </summary>
    public int TileAboveSide { get; init; } = 1200;
}

/// <summary>
/// BlazeFace (full range) on ONNX Runtime: the whole image stretched to 256×256, plus square
/// tiles for large images; anchors decoded, scores thresholded, overlaps suppressed.
/// </summary>
public sealed class FaceDetector(OnnxModel model, FaceDetectorOptions? options = null)
{
    private const int InputSide = 256;
    private static readonly (float X, float Y)[] Anchors = BuildAnchors();

    private readonly FaceDetectorOptions _options = options ?? new FaceDetectorOptions();

    public OnnxModel Model { get; } = model;

    /// <summary>Finds faces; boxes are in the coordinates of the source file (before any shrink on load).</summary>
    public IReadOnlyList<DetectedFace> Detect(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var candidates = new List<DetectedFace>();
        var buffer = ArrayPool<float>.Shared.Rent(InputSide * InputSide * 3);
        try
        {
            DetectRegion(image, 0, 0, image.Width, image.Height, buffer, candidates);
            var shorter = Math.Min(image.Width, image.Height);
            if (_options.TileAboveSide > 0 && Math.Min(image.SourceWidth, image.SourceHeight) >= _options.TileAboveSide)
            {
                var longer = Math.Max(image.Width, image.Height);
                var side = Math.Min(shorter, (int)(longer * 0.6f));
                foreach (var (tx, ty) in TileOrigins(image.Width, image.Height, side))
                {
                    DetectRegion(image, tx, ty, side, side, buffer, candidates);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        var kept = Suppress(candidates, _options.NmsIou);
        var sx = (float)image.SourceWidth / image.Width;
        var sy = (float)image.SourceHeight / image.Height;
        var result = new List<DetectedFace>(kept.Count);
        foreach (var face in kept)
        {
            var keypoints = new float[face.Keypoints.Length];
            for (var k = 0; k < keypoints.Length; k += 2)
            {
                keypoints[k] = face.Keypoints[k] * sx;
                keypoints[k + 1] = face.Keypoints[k + 1] * sy;
            }

            result.Add(new DetectedFace(face.X * sx, face.Y * sy, face.Width * sx, face.Height * sy, face.Score, keypoints));
        }

        return result;
    }

    private void DetectRegion(DecodedImage image, float x, float y, float width, float height, float[] buffer, List<DetectedFace> found)
    {
        var contract = Model.Contract;
        PixelSampler.Sample(image, x, y, width, height, buffer, InputSide, InputSide, contract.Scale, contract.Offset);
        var outputs = Model.Run(buffer, 1);
        var scores16 = outputs["scores_16"];
        var scores32 = outputs["scores_32"];
        var boxes16 = outputs["boxes_16"];
        var boxes32 = outputs["boxes_32"];
        var fx = width / InputSide;
        var fy = height / InputSide;
        var minLogit = MathF.Log(_options.MinScore / (1 - _options.MinScore));
        for (var i = 0; i < Anchors.Length; i++)
        {
            var local = i < scores16.Length ? i : i - scores16.Length;
            var logit = Math.Clamp(i < scores16.Length ? scores16[local] : scores32[local], -100f, 100f);
            if (logit < minLogit)
            {
                continue;
            }

            var row = (i < scores16.Length ? boxes16 : boxes32).AsSpan(local * 16, 16);
            var (ax, ay) = Anchors[i];
            var cx = ax + row[0];
            var cy = ay + row[1];
            var w = row[2];
            var h = row[3];
            if (w <= 0 || h <= 0)
            {
                continue;
            }

            var keypoints = new float[12];
            for (var k = 0; k < 12; k += 2)
            {
                keypoints[k] = x + ((ax + row[4 + k]) * fx);
                keypoints[k + 1] = y + ((ay + row[5 + k]) * fy);
            }

            var score = 1 / (1 + MathF.Exp(-logit));
            found.Add(new DetectedFace(x + ((cx - (w / 2)) * fx), y + ((cy - (h / 2)) * fy), w * fx, h * fy, score, keypoints));
        }
    }

    internal static List<DetectedFace> Suppress(List<DetectedFace> candidates, float maxIou)
    {
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<DetectedFace>();
        foreach (var candidate in candidates)
        {
            var overlaps = false;
            foreach (var face in kept)
            {
                if (Iou(face, candidate) > maxIou)
                {
                    overlaps = true;
                    break;
                }
            }

            if (!overlaps)
            {
                kept.Add(candidate);
            }
        }

        return kept;
    }

    internal static float Iou(DetectedFace a, DetectedFace b)
    {
        var x0 = MathF.Max(a.X, b.X);
        var y0 = MathF.Max(a.Y, b.Y);
        var x1 = MathF.Min(a.X + a.Width, b.X + b.Width);
        var y1 = MathF.Min(a.Y + a.Height, b.Y + b.Height);
        var intersection = MathF.Max(0, x1 - x0) * MathF.Max(0, y1 - y0);
        var union = (a.Width * a.Height) + (b.Width * b.Height) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    /// <summary>Top-left corners of overlapping square tiles of <paramref name="side"/> that cover the image.</summary>
    internal static List<(int X, int Y)> TileOrigins(int width, int height, int side)
    {
        static List<int> Positions(int length, int side)
        {
            var count = length <= side ? 1 : (int)Math.Ceiling((length - side) / (side * 0.75)) + 1;
            var positions = new List<int>(count);
            for (var i = 0; i < count; i++)
            {
                positions.Add(count == 1 ? 0 : (int)Math.Round((double)(length - side) * i / (count - 1)));
            }

            return positions;
        }

        var tiles = new List<(int, int)>();
        foreach (var ty in Positions(height, side))
        {
            foreach (var tx in Positions(width, side))
            {
                tiles.Add((tx, ty));
            }
        }

        return tiles;
    }

    // BlazeFace full range: 16×16 cells (stride 16) with 2 anchors each, then 8×8 cells (stride 32)
    // with 6 anchors each; an anchor sits at its cell's centre.
    private static (float X, float Y)[] BuildAnchors()
    {
        var anchors = new List<(float, float)>(896);
        foreach (var (grid, stride, perCell) in new[] { (16, 16, 2), (8, 32, 6) })
        {
            for (var gy = 0; gy < grid; gy++)
            {
                for (var gx = 0; gx < grid; gx++)
                {
                    for (var a = 0; a < perCell; a++)
                    {
                        anchors.Add(((gx + 0.5f) * stride, (gy + 0.5f) * stride));
                    }
                }
            }
        }

        return [.. anchors];
    }
}
