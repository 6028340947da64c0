using System.Diagnostics;
using Haechi.Core.Hashing;
using Haechi.Core.Hashing.Pdq;
using Haechi.Media.Images;

namespace Haechi.Media.Vision;

/// <summary>Time spent in each stage of one scan.</summary>
public readonly record struct ScanTimes(TimeSpan Decode, TimeSpan Pdq, TimeSpan Detect, TimeSpan Embed, TimeSpan Nudity)
{
    public TimeSpan Models => Detect + Embed + Nudity;

    public static ScanTimes operator +(ScanTimes a, ScanTimes b) =>
        new(a.Decode + b.Decode, a.Pdq + b.Pdq, a.Detect + b.Detect, a.Embed + b.Embed, a.Nudity + b.Nudity);
}

/// <summary>A face found by a scan, with its embedding when it passed the quality gates.</summary>
public sealed record ScannedFace(DetectedFace Face, float[]? Embedding);

/// <summary>What a scan found in one image.</summary>
public sealed record ScanResult
{
    public required Hash256 Pdq { get; init; }

    public required int Quality { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>Null when faces were not asked for.</summary>
    public IReadOnlyList<ScannedFace>? Faces { get; init; }

    /// <summary>Null when nudity was not asked for.</summary>
    public NudityScores? Nudity { get; init; }

    public required ScanTimes Times { get; init; }
}

/// <summary>
/// One image, decoded once, through every stage asked for: PDQ, face detection, face embedding and
/// nudity triage. The models are shared (their sessions are thread-safe); a scanner holds a PDQ
/// hasher with its buffers, so use one scanner per thread.
/// </summary>
public sealed class ImageScanner(FaceDetector? detector, FaceEmbedder? embedder, NudityClassifier? nudity, ImageDecodeOptions? options = null)
{
    /// <summary>Decoding for the models: shrink on load, but keep the shorter side ≥ 512 px so small faces stay visible.</summary>
    public static ImageDecodeOptions VisionDecodeOptions { get; } = ImageDecodeOptions.Default with { MinWorkingSide = 512 };

    private readonly PdqHasher _hasher = new();
    private readonly ImageDecodeOptions _options = options ?? (detector is null && nudity is null ? ImageDecodeOptions.Default : VisionDecodeOptions);

    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public ScanResult Scan(byte[] bytes)
    {
        var t0 = Stopwatch.GetTimestamp();
        var image = ImageDecoder.Decode(bytes, _options);
        var t1 = Stopwatch.GetTimestamp();
        var (pdq, quality) = _hasher.Hash(image.Pixels, image.Width, image.Height, image.Format);
        var t2 = Stopwatch.GetTimestamp();
        List<ScannedFace>? faces = null;
        var t3 = t2;
        var t4 = t2;
        if (detector is not null)
        {
            var detected = detector.Detect(image);
            t3 = Stopwatch.GetTimestamp();
            faces = new List<ScannedFace>(detected.Count);
            var embeddable = new List<DetectedFace>();
            if (embedder is not null)
            {
                foreach (var face in detected)
                {
                    if (embedder.IsEmbeddable(face))
                    {
                        embeddable.Add(face);
                    }
                }
            }

            var vectors = embedder is null ? [] : embedder.Embed(image, embeddable);
            var next = 0;
            foreach (var face in detected)
            {
                var embedded = next < embeddable.Count && ReferenceEquals(embeddable[next], face);
                faces.Add(new ScannedFace(face, embedded ? vectors[next++] : null));
            }

            t4 = Stopwatch.GetTimestamp();
        }

        var scores = nudity?.Classify(image);
        var t5 = Stopwatch.GetTimestamp();
        return new ScanResult
        {
            Pdq = pdq,
            Quality = quality,
            Width = image.SourceWidth,
            Height = image.SourceHeight,
            Faces = faces,
            Nudity = scores,
            Times = new ScanTimes(
                Stopwatch.GetElapsedTime(t0, t1),
                Stopwatch.GetElapsedTime(t1, t2),
                Stopwatch.GetElapsedTime(t2, t3),
                Stopwatch.GetElapsedTime(t3, t4),
                Stopwatch.GetElapsedTime(t4, t5)),
        };
    }
}

/// <summary>Small previews for reports: shrunk, and by default blurred and grey (<see cref="GreyBlur"/>) until a person chooses to reveal.</summary>
public static class ScanPreview
{
    /// <summary>A JPEG of at most <paramref name="maxSide"/> pixels, blurred and grey unless <paramref name="reveal"/>.</summary>
    /// <exception cref="MediaProcessingException">libvips could not shrink or encode the picture.</exception>
    public static byte[] Jpeg(byte[] bytes, int maxSide, bool reveal)
    {
        if (!reveal)
        {
            return GreyBlur.Jpeg(bytes, maxSide);
        }

        return Vips.Run(() =>
        {
            using var thumbnail = NetVips.Image.ThumbnailBuffer(bytes, maxSide, height: maxSide);
            return thumbnail.JpegsaveBuffer(q: 80);
        });
    }
}
