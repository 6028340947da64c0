using System.Buffers;
using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Models;

namespace Haechi.Media.Vision;

/// <summary>A face found in an image: box in source-image pixels (x, y, width, height), detector score 0..1, and six keypoints (x, y).</summary>
public sealed record DetectedFace(float X, float Y, float Width, float Height, float Score, float[] Keypoints)
{
    /// <summary>The longer side of the box, in source pixels.</summary>
    public float Size => MathF.Max(Width, Height);

    /// <summary>The same box as the shared face arithmetic takes it.</summary>
    public FaceBox ToBox() => new(X, Y, Width, Height, Score, Keypoints);

    /// <summary>A box of the shared face arithmetic as a detected face.</summary>
    public static DetectedFace FromBox(FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(box);
        return new(box.X, box.Y, box.Width, box.Height, box.Score, box.Keypoints);
    }
}

/// <summary>Settings of <see cref="FaceDetector"/>.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>Minimum detector score (sigmoid of the logit).</summary>
    public float MinScore { get; init; } = FaceGeometry.MinDetectionScore;

    /// <summary>Boxes overlapping a better one by more than this IoU are dropped.</summary>
    public float NmsIou { get; init; } = FaceGeometry.NmsIou;

    /// <summary>
    /// Images whose shorter side (in the source file) is at least this long are also scanned in
    /// overlapping square tiles, so that faces too small for one 256×256 pass (under ~40 px there)
    /// are found in large photos; 0 turns tiling off. Typical web images (720p, 1080×1080) take one
    /// pass; camera photos take five.
    /// </summary>
    public int TileAboveSide { get; init; } = FaceGeometry.TileAboveSide;
}

/// <summary>
/// BlazeFace (full range) on ONNX Runtime: the whole image stretched to 256×256, plus square
/// tiles for large images; anchors decoded, scores thresholded, overlaps suppressed.
/// </summary>
public sealed class FaceDetector(OnnxModel model, FaceDetectorOptions? options = null)
{
    private const int InputSide = FaceGeometry.DetectorSide;

    private readonly FaceDetectorOptions _options = options ?? new FaceDetectorOptions();

    public OnnxModel Model { get; } = model;

    /// <summary>Finds faces; boxes are in the coordinates of the source file (before any shrink on load).</summary>
    public IReadOnlyList<DetectedFace> Detect(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var candidates = new List<FaceBox>();
        var buffer = ArrayPool<float>.Shared.Rent(InputSide * InputSide * 3);
        try
        {
            // The regions (whole image, tiles of large photos), decoding and suppression are the shared
            // arithmetic the victim's browser runs too (FaceGeometry).
            foreach (var (x, y, width, height) in FaceGeometry.DetectionRegions(image.Width, image.Height, image.SourceWidth, image.SourceHeight, _options.TileAboveSide))
            {
                DetectRegion(image, x, y, width, height, buffer, candidates);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        var kept = FaceGeometry.Suppress(candidates, _options.NmsIou);
        var sx = (float)image.SourceWidth / image.Width;
        var sy = (float)image.SourceHeight / image.Height;
        var result = new List<DetectedFace>(kept.Count);
        foreach (var face in kept)
        {
            result.Add(DetectedFace.FromBox(FaceGeometry.ToSource(face, sx, sy)));
        }

        return result;
    }

    private void DetectRegion(DecodedImage image, float x, float y, float width, float height, float[] buffer, List<FaceBox> found)
    {
        var contract = Model.Contract;
        PixelSampler.Sample(image, x, y, width, height, buffer, InputSide, InputSide, contract.Scale, contract.Offset);
        var outputs = Model.Run(buffer, 1);
        FaceGeometry.DecodeDetections(outputs["scores_16"], outputs["scores_32"], outputs["boxes_16"], outputs["boxes_32"], x, y, width, height, _options.MinScore, found);
    }

    internal static List<DetectedFace> Suppress(List<DetectedFace> candidates, float maxIou)
    {
        var boxes = new List<FaceBox>(candidates.Count);
        foreach (var candidate in candidates)
        {
            boxes.Add(candidate.ToBox());
        }

        var kept = FaceGeometry.Suppress(boxes, maxIou);
        var result = new List<DetectedFace>(kept.Count);
        foreach (var box in kept)
        {
            result.Add(DetectedFace.FromBox(box));
        }

        return result;
    }

    internal static float Iou(DetectedFace a, DetectedFace b) => FaceGeometry.Iou(a.ToBox(), b.ToBox());

    /// <summary>Top-left corners of overlapping square tiles of <paramref name="side"/> that cover the image.</summary>
    internal static List<(int X, int Y)> TileOrigins(int width, int height, int side) => FaceGeometry.TileOrigins(width, height, side);
}
