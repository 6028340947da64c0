using System.Globalization;
using System.Security.Cryptography;
using Haechi.Core.Review;
using Haechi.Core.Video;
using Haechi.Data.Review;
using Haechi.Data.Sealing;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Media.Vision;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Reports;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Evidence;

/// <summary>A report's video checked and fingerprinted in memory, not yet stored.</summary>
internal sealed record CheckedVideo(byte[] Bytes, string Kind, string ContentType, int Width, int Height, TimeSpan? Duration, int Frames, byte[] Sha256, byte[] Poster, VideoBankMatch? BankMatch)
{
    /// <summary>Its sampled frames' faces against every face bank (null when faces are off or no face bank exists).</summary>
    public VisionResult? Seen { get; init; }
}

/// <summary>A video of a report that was not fetched, and why (<see cref="ReportAttachmentRecord.TooLarge"/>, <see cref="ReportAttachmentRecord.Unavailable"/>).</summary>
internal sealed record RefusedVideo(string Kind, string Status, long? DeclaredBytes, long MaxBytes);

/// <summary>
/// Videos that come with reports (the Telegram bot's forwarded videos, animations and video
/// documents): probed and decoded by FFmpeg (a file that is not a whole, reasonable video is
/// refused), fingerprinted with vPDQ (as ingestion does, black borders trimmed) and matched
/// against every vPDQ bank through the one <see cref="Haechi.Pipeline.Matching.Matcher"/>; the first frame becomes the blurred
/// grey poster analysts see first. The video is stored sealed (AES-256-GCM, the screenshots'
/// context) in the report's own transaction, with a <see cref="ReportAttachmentRecord"/> holding
/// its length; the report's review item takes its digest and the strongest bank match (signal
/// <c>vpdq</c>), so a forwarded copy of a registered video raises the report's priority. Its sampled
/// frames are also matched against every face bank, as ingested videos are (<see cref="IngestVision.AnalyseVideo"/>):
/// a face a victim enrolled herself outranks any fingerprint match and links the report to her case.
/// </summary>
internal sealed class VideoEvidenceIntake(IOptions<EvidenceOptions> options, ContentSealer sealer, Matcher matcher, TimeProvider time, IngestVision vision)
{
    /// <summary>Frames per second fingerprinted: enough for vPDQ to match a copy, bounded work for long videos.</summary>
    public const double FramesPerSecond = 5;

    /// <summary>What FFmpeg may do with a reported video.</summary>
    public static VideoDecodeOptions DecodeOptions { get; } = VideoDecodeOptions.Default with
    {
        MaxFileBytes = 2L * 1024 * 1024 * 1024,
        MaxDuration = TimeSpan.FromHours(1),
        DecodeTimeout = TimeSpan.FromMinutes(5),
        FramesPerSecond = FramesPerSecond,
    };

    /// <summary>Checks and fingerprints <paramref name="bytes"/>, matching it in every vPDQ bank; null and a problem code when it is not a usable video.</summary>
    public async Task<(CheckedVideo? Video, string? Problem)> CheckAsync(byte[] bytes, string kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0)
        {
            return (null, "empty");
        }

        var directory = Directory.CreateTempSubdirectory("haechi-report-video-");
        try
        {
            var path = Path.Combine(directory.FullName, "report.video");
            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            VideoFingerprint fingerprint;
            byte[] poster;
            try
            {
                fingerprint = new VideoFingerprinter(DecodeOptions, trimBorders: true).Fingerprint(path, cancellationToken);
                poster = Poster(path, cancellationToken);
            }
            catch (VideoDecodeException)
            {
                return (null, "undecodable");
            }

            if (fingerprint.Frames.Count == 0)
            {
                return (null, "no-frames");
            }

            var match = await BestMatchAsync(fingerprint.Frames, cancellationToken).ConfigureAwait(false);
            var probe = fingerprint.Probe;
            return (new CheckedVideo(bytes, kind, ContentType(probe.Container), probe.Width, probe.Height, probe.Duration, fingerprint.Frames.Count, SHA256.HashData(bytes), poster, match) { Seen = SeeFaces(path, cancellationToken) }, null);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>What <see cref="ReportIntake"/> runs in the report's transaction: the sealed video and its attachment row (or the refusal's row), then the review item.</summary>
    public ReportAttachments Attach(CheckedVideo? video, RefusedVideo? refused) => async (db, report, cancellationToken) =>
    {
        var item = new ReviewItemInput(ReviewItemKind.Report, report.Id.ToString(CultureInfo.InvariantCulture), PossibleMinor: report.PossibleMinor);
        var now = time.GetUtcNow();
        if (refused is not null)
        {
            db.ReportAttachments.Add(new ReportAttachmentRecord
            {
                ReportId = report.Id,
                Kind = refused.Kind,
                Status = refused.Status,
                DeclaredBytes = refused.DeclaredBytes,
                MaxBytes = refused.MaxBytes,
                CreatedAt = now,
            });
        }

        if (video is null)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return item;
        }

        var evidence = EvidenceIntake.Seal(sealer, report.Id, video.ContentType, video.Bytes, video.Width, video.Height, video.Poster, now);
        db.Evidence.Add(evidence);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        db.ReportAttachments.Add(new ReportAttachmentRecord
        {
            ReportId = report.Id,
            EvidenceId = evidence.Id,
            Kind = video.Kind,
            Status = ReportAttachmentRecord.Stored,
            DeclaredBytes = video.Bytes.Length,
            DurationMs = video.Duration is { } duration ? (long)duration.TotalMilliseconds : null,
            Frames = video.Frames,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var vpdqPriority = video.BankMatch is { } bankMatch ? ReviewPriority.Compute(MatchSignal.Vpdq, bankMatch.Strength, video.Seen?.Nudity ?? 0) : 0;
        if (video.Seen is { Match: { } face } seen)
        {
            var facePriority = seen.IsVictimFace ? ReviewPriority.ComputeVictimFace(face.Similarity, seen.Nudity ?? 0) : ReviewPriority.Compute(MatchSignal.Face, face.Similarity, seen.Nudity ?? 0);
            if (facePriority > vpdqPriority)
            {
                return item with
                {
                    EvidenceId = evidence.Id,
                    Sha256 = video.Sha256,
                    MatchStrength = face.Similarity,
                    MatchedEntryId = face.Id,
                    Signal = ReviewPriority.Name(MatchSignal.Face),
                    NudityScore = seen.Nudity ?? 0,
                    Priority = facePriority,
                    FrameAt = seen.FaceAt,
                };
            }
        }

        return item with
        {
            EvidenceId = evidence.Id,
            Sha256 = video.Sha256,
            MatchStrength = video.BankMatch?.Strength ?? 0,
            MatchedEntryId = video.BankMatch?.Entry.Id,
            Signal = video.BankMatch is null ? null : "vpdq",
        };
    };

    // Faces in sampled frames against every face bank of the embedder's model, only when there is one.
    private VisionResult? SeeFaces(string path, CancellationToken cancellationToken)
    {
        if (vision.EmbeddingModel is not { } model || matcher.FaceBanks(model) is not { Count: > 0 } banks)
        {
            return null;
        }

        var o = IngestionOptions.Default;
        try
        {
            return vision.AnalyseVideo(path, banks, o.FaceThreshold, DecodeOptions with { FramesPerSecond = null }, o.VideoVisionFrames, o.VideoVisionMaxSide, cancellationToken);
        }
        catch (VideoDecodeException)
        {
            return null;
        }
    }

    private async Task<VideoBankMatch?> BestMatchAsync(IReadOnlyList<VpdqFrame> frames, CancellationToken cancellationToken)
    {
        var matches = await matcher.MatchVideoAsync(frames, MatchFilter.Default, cancellationToken).ConfigureAwait(false);
        return matches.Count == 0 ? null : matches[0];
    }

    /// <summary>The first frame, as the blurred grey preview (never the video itself).</summary>
    private byte[] Poster(string path, CancellationToken cancellationToken)
    {
        using var reader = VideoDecoder.Open(path, DecodeOptions, cancellationToken);
        if (!reader.TryRead(out var frame))
        {
            throw new VideoDecodeException(VideoDecodeError.Corrupt, "The video has no frame.");
        }

        var rgb = frame.Pixels.ToArray();
        var jpeg = SyntheticImages.EncodeJpeg(rgb, frame.Width, frame.Height, quality: 85);
        return ScanPreview.Jpeg(jpeg, options.Value.PreviewSide, reveal: false);
    }

    private static string ContentType(string container) =>
        container.Contains("mp4", StringComparison.OrdinalIgnoreCase) || container.Contains("mov", StringComparison.OrdinalIgnoreCase) ? "video/mp4"
        : container.Contains("webm", StringComparison.OrdinalIgnoreCase) || container.Contains("matroska", StringComparison.OrdinalIgnoreCase) ? "video/webm"
        : "application/octet-stream";
}
