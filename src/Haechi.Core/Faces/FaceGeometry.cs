namespace Haechi.Core.Faces;

/// <summary>A face box in image pixels (x, y, width, height), the detector's score 0..1 and six keypoints (x, y).</summary>
/// <param name="X">Left.</param>
/// <param name="Y">Top.</param>
/// <param name="Width">Width.</param>
/// <param name="Height">Height.</param>
/// <param name="Score">Detector score (sigmoid of the logit).</param>
/// <param name="Keypoints">Six keypoints as x, y pairs.</param>
public sealed record FaceBox(float X, float Y, float Width, float Height, float Score, float[] Keypoints)
{
    /// <summary>The longer side of the box.</summary>
    public float Size => MathF.Max(Width, Height);
}

/// <summary>
/// The pure arithmetic of Haechi's face pipeline, shared by the server (Media, on ONNX Runtime) and
/// the victim's browser (the WebAssembly island, on ONNX Runtime Web), so that both feed the models
/// exactly the same numbers: bilinear sampling of a region into a model input, BlazeFace's anchors
/// and their decoding, overlap suppression, the tiles of large photos and the embedding crop rule.
/// </summary>
public static class FaceGeometry
{
    /// <summary>BlazeFace's input side (the whole image, or a tile, is stretched to it).</summary>
    public const int DetectorSide = 256;

    /// <summary>BlazeFace's input normalisation: <c>pixel · scale + offset</c> (its manifest's contract).</summary>
    public const float DetectorScale = 1 / 127.5f;

    /// <summary>See <see cref="DetectorScale"/>.</summary>
    public const float DetectorOffset = -1;

    /// <summary>FaceRes's input side (its normalisation is the raw pixel value).</summary>
    public const int EmbedderSide = 224;

    /// <summary>The detector's score threshold.</summary>
    public const float MinDetectionScore = 0.5f;

    /// <summary>Boxes overlapping a better one by more than this IoU are dropped.</summary>
    public const float NmsIou = 0.1f;

    /// <summary>Values per anchor in BlazeFace's box outputs: dx, dy, w, h, then six keypoints.</summary>
    public const int BoxValues = 16;

    /// <summary>Anchors at stride 16 (16×16 cells, 2 each).</summary>
    public const int Anchors16 = 512;

    /// <summary>Anchors at stride 32 (8×8 cells, 6 each).</summary>
    public const int Anchors32 = 384;

    /// <summary>The embedding crop: the detector box enlarged by this factor around its centre, squared.</summary>
    public const float EmbeddingCropScale = 1.4f;

    /// <summary>Faces whose box is shorter than this (source pixels) are not embedded.</summary>
    public const float MinEmbeddableSize = 64;

    /// <summary>Faces with a lower detector score are not embedded.</summary>
    public const float MinEmbeddableScore = 0.5f;

    /// <summary>Images whose shorter source side is at least this are also scanned in tiles.</summary>
    public const int TileAboveSide = 1200;

    private const int MaxSide = 1024;

    private static readonly (float X, float Y)[] AnchorCentres = BuildAnchors();

    /// <summary>
    /// Samples the rectangle (<paramref name="x"/>, <paramref name="y"/>, <paramref name="width"/>,
    /// <paramref name="height"/>, in image pixels) of an 8-bit image with <paramref name="channels"/>
    /// bytes per pixel (1 grey, 3 RGB, 4 RGBA: alpha ignored) into <paramref name="destination"/>
    /// (outHeight × outWidth × 3, NHWC) with bilinear sampling as TensorFlow.js
    /// <c>resizeBilinear</c>/<c>cropAndResize</c> do (half-pixel centres, no antialias). Neighbours up to
    /// one pixel outside the image repeat the edge; farther ones are black. Each value is
    /// <c>pixel · scale + offset</c>.
    /// </summary>
    public static void Sample(ReadOnlySpan<byte> pixels, int imageWidth, int imageHeight, int channels, float x, float y, float width, float height, Span<float> destination, int outWidth, int outHeight, float scale, float offset)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outWidth, MaxSide);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outHeight, MaxSide);
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "1, 3 or 4 bytes per pixel.");
        }

        var stride = imageWidth * channels;

        // Per output column: byte offsets of the two neighbours and their weights (0 when black).
        Span<int> column0 = stackalloc int[outWidth];
        Span<int> column1 = stackalloc int[outWidth];
        Span<float> weight0 = stackalloc float[outWidth];
        Span<float> weight1 = stackalloc float[outWidth];
        var stepX = width / outWidth;
        for (var ox = 0; ox < outWidth; ox++)
        {
            var sx = x + ((ox + 0.5f) * stepX) - 0.5f;
            var x0 = (int)MathF.Floor(sx);
            var fx = sx - x0;
            (column0[ox], weight0[ox]) = Neighbour(x0, imageWidth, 1 - fx, channels);
            (column1[ox], weight1[ox]) = Neighbour(x0 + 1, imageWidth, fx, channels);
        }

        var stepY = height / outHeight;
        for (var oy = 0; oy < outHeight; oy++)
        {
            var sy = y + ((oy + 0.5f) * stepY) - 0.5f;
            var y0 = (int)MathF.Floor(sy);
            var fy = sy - y0;
            var (r0, wy0) = Neighbour(y0, imageHeight, 1 - fy, 1);
            var (r1, wy1) = Neighbour(y0 + 1, imageHeight, fy, 1);
            var row0 = pixels.Slice(r0 * stride, stride);
            var row1 = pixels.Slice(r1 * stride, stride);
            var output = destination.Slice(oy * outWidth * 3, outWidth * 3);
            for (var ox = 0; ox < outWidth; ox++)
            {
                int c0 = column0[ox], c1 = column1[ox];
                float a = weight0[ox] * wy0, b = weight1[ox] * wy0, c = weight0[ox] * wy1, d = weight1[ox] * wy1;
                var o = ox * 3;
                if (channels >= 3)
                {
                    output[o] = (((row0[c0] * a) + (row0[c1] * b) + (row1[c0] * c) + (row1[c1] * d)) * scale) + offset;
                    output[o + 1] = (((row0[c0 + 1] * a) + (row0[c1 + 1] * b) + (row1[c0 + 1] * c) + (row1[c1 + 1] * d)) * scale) + offset;
                    output[o + 2] = (((row0[c0 + 2] * a) + (row0[c1 + 2] * b) + (row1[c0 + 2] * c) + (row1[c1 + 2] * d)) * scale) + offset;
                }
                else
                {
                    var grey = (((row0[c0] * a) + (row0[c1] * b) + (row1[c0] * c) + (row1[c1] * d)) * scale) + offset;
                    output[o] = grey;
                    output[o + 1] = grey;
                    output[o + 2] = grey;
                }
            }
        }
    }

    /// <summary>
    /// Decodes one BlazeFace (full range) pass over the region (<paramref name="x"/>, <paramref name="y"/>,
    /// <paramref name="width"/>, <paramref name="height"/>) of the image: every anchor whose logit
    /// (clamped to ±100) reaches <paramref name="minScore"/> after the sigmoid becomes a box in image pixels.
    /// </summary>
    public static void DecodeDetections(ReadOnlySpan<float> scores16, ReadOnlySpan<float> scores32, ReadOnlySpan<float> boxes16, ReadOnlySpan<float> boxes32, float x, float y, float width, float height, float minScore, List<FaceBox> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        var fx = width / DetectorSide;
        var fy = height / DetectorSide;
        var minLogit = MathF.Log(minScore / (1 - minScore));
        for (var i = 0; i < AnchorCentres.Length; i++)
        {
            var first = i < scores16.Length;
            var local = first ? i : i - scores16.Length;
            var logit = Math.Clamp(first ? scores16[local] : scores32[local], -100f, 100f);
            if (logit < minLogit)
            {
                continue;
            }

            var row = (first ? boxes16 : boxes32).Slice(local * BoxValues, BoxValues);
            var (ax, ay) = AnchorCentres[i];
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
            found.Add(new FaceBox(x + ((cx - (w / 2)) * fx), y + ((cy - (h / 2)) * fy), w * fx, h * fy, score, keypoints));
        }
    }

    /// <summary>Keeps the best-scoring boxes, dropping any box overlapping a kept one by more than <paramref name="maxIou"/> (sorts <paramref name="candidates"/>).</summary>
    public static List<FaceBox> Suppress(List<FaceBox> candidates, float maxIou)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        candidates.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<FaceBox>();
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

    /// <summary>Intersection over union of two boxes.</summary>
    public static float Iou(FaceBox a, FaceBox b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var x0 = MathF.Max(a.X, b.X);
        var y0 = MathF.Max(a.Y, b.Y);
        var x1 = MathF.Min(a.X + a.Width, b.X + b.Width);
        var y1 = MathF.Min(a.Y + a.Height, b.Y + b.Height);
        var intersection = MathF.Max(0, x1 - x0) * MathF.Max(0, y1 - y0);
        var union = (a.Width * a.Height) + (b.Width * b.Height) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    /// <summary>
    /// The detector's regions for a decoded image of <paramref name="width"/> × <paramref name="height"/>
    /// (source <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/>): the whole image, plus
    /// overlapping square tiles (60 % of the longer side) when the source's shorter side is at least
    /// <paramref name="tileAboveSide"/> (0: never), so small faces in large photos are found.
    /// </summary>
    public static List<(float X, float Y, float Width, float Height)> DetectionRegions(int width, int height, int sourceWidth, int sourceHeight, int tileAboveSide)
    {
        var regions = new List<(float, float, float, float)> { (0, 0, width, height) };
        if (tileAboveSide > 0 && Math.Min(sourceWidth, sourceHeight) >= tileAboveSide)
        {
            var side = Math.Min(Math.Min(width, height), (int)(Math.Max(width, height) * 0.6f));
            foreach (var (tx, ty) in TileOrigins(width, height, side))
            {
                regions.Add((tx, ty, side, side));
            }
        }

        return regions;
    }

    /// <summary>Top-left corners of overlapping square tiles of <paramref name="side"/> that cover the image.</summary>
    public static List<(int X, int Y)> TileOrigins(int width, int height, int side)
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

    /// <summary>
    /// The embedding crop of a face box given in source pixels, in decoded pixels: the box enlarged ×<paramref name="cropScale"/>
    /// around its centre and squared (in source pixels), scaled by <paramref name="sx"/>, <paramref name="sy"/> (decoded ÷ source).
    /// </summary>
    public static (float X, float Y, float Width, float Height) EmbeddingCrop(FaceBox face, float sx, float sy, float cropScale = EmbeddingCropScale)
    {
        ArgumentNullException.ThrowIfNull(face);
        var side = face.Size * cropScale;
        var cx = (face.X + (face.Width / 2)) * sx;
        var cy = (face.Y + (face.Height / 2)) * sy;
        var w = side * sx;
        var h = side * sy;
        return (cx - (w / 2), cy - (h / 2), w, h);
    }

    /// <summary>Scales a box found in decoded pixels to source pixels.</summary>
    public static FaceBox ToSource(FaceBox face, float sx, float sy)
    {
        ArgumentNullException.ThrowIfNull(face);
        var keypoints = new float[face.Keypoints.Length];
        for (var k = 0; k < keypoints.Length; k += 2)
        {
            keypoints[k] = face.Keypoints[k] * sx;
            keypoints[k + 1] = face.Keypoints[k + 1] * sy;
        }

        return new FaceBox(face.X * sx, face.Y * sy, face.Width * sx, face.Height * sy, face.Score, keypoints);
    }

    /// <summary>Divides <paramref name="vector"/> by its L2 norm in place; false when it has no direction (zero or not finite).</summary>
    public static bool Normalise(Span<float> vector)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        if (!(norm > 0) || float.IsInfinity(norm) || float.IsNaN(norm))
        {
            return false;
        }

        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm, vector);
        return true;
    }

    // Index (clamped into the image, times the pixel size) and weight of one neighbour.
    private static (int Offset, float Weight) Neighbour(int index, int length, float weight, int pixelSize) =>
        index < -1 || index > length ? (0, 0f) : (Math.Clamp(index, 0, length - 1) * pixelSize, weight);

    // BlazeFace full range: 16×16 cells (stride 16) with 2 anchors each, then 8×8 cells (stride 32)
    // with 6 anchors each; an anchor sits at its cell's centre.
    private static (float X, float Y)[] BuildAnchors()
    {
        var anchors = new List<(float, float)>(Anchors16 + Anchors32);
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
