using System.ComponentModel.DataAnnotations;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Matching;

namespace Haechi.Pipeline.Ingestion;

/// <summary>How the pipeline runs: concurrency, leases, retries, back-pressure and the caps of its fetches and decodes.</summary>
public sealed record IngestionOptions
{
    /// <summary>Haechi's defaults.</summary>
    public static IngestionOptions Default { get; } = new();

    /// <summary>Items processed at once.</summary>
    [Range(1, 64)]
    public int Concurrency { get; init; } = 2;

    /// <summary>
    /// Items claimed together; their steps run in memory and their results are committed in one
    /// transaction (group commit), so the store syncs to disk once per batch instead of once per
    /// step of every item.
    /// </summary>
    [Range(1, 1000)]
    public int BatchSize { get; init; } = 16;

    /// <summary>Cosine similarity at or above which a face matches an enrolled face.</summary>
    [Range(0.0, 1.0)]
    public float FaceThreshold { get; init; } = Haechi.Core.Faces.FaceBank.DefaultThreshold;

    /// <summary>
    /// Explicit score (0..1, porn + hentai of the nudity classifier) above which an item that matched
    /// no bank and no enrolled face still goes to the review queue (signal "nudity", below every match):
    /// it may show a victim who has not registered. The explicit score leaves out the classifier's
    /// "sexy" class, which many clothed photos get. Null (or 1) leaves unmatched items out of the queue;
    /// nothing is queued this way when the nudity classifier is not installed.
    /// </summary>
    [Range(0.0, 1.0)]
    public double? QueueNudityAbove { get; init; } = DefaultQueueNudityAbove;

    /// <summary>The default of <see cref="QueueNudityAbove"/>: the classifier is confident (porn + hentai 0.04 to 0.25 on the face-api sample photos of clothed people).</summary>
    public const double DefaultQueueNudityAbove = 0.7;

    /// <summary>Most frames of one video that go through the face and nudity models (spread over the video).</summary>
    [Range(1, 64)]
    public int VideoVisionFrames { get; init; } = 8;

    /// <summary>Longest side, in pixels, of a video frame handed to the face and nudity models (ffmpeg scales down before the pipe).</summary>
    [Range(64, 4096)]
    public int VideoVisionMaxSide { get; init; } = 1280;

    /// <summary>Unfinished items above which enqueue is refused (back-pressure).</summary>
    [Range(1, int.MaxValue)]
    public int MaxPending { get; init; } = 10_000;

    /// <summary>Failed attempts at one step before the item is marked failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How long a claimed item stays with its worker; a crashed worker's items return after it.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait before a failed attempt is tried again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for work.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest file read from disk, in bytes (URLs use <see cref="FetchOptions.MaxMediaBytes"/>).</summary>
    public long MaxFileBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>Which matches count.</summary>
    public MatchFilter Filter { get; init; } = MatchFilter.Default;

    /// <summary>
    /// Match images by their eight dihedral PDQ hashes (mirrored and rotated copies), not only the
    /// hash as it is. On by default: victims' photos are often re-posted mirrored or rotated (issue 9).
    /// </summary>
    public bool Dihedral { get; init; } = true;

    /// <summary>Image decode caps.</summary>
    public ImageDecodeOptions ImageDecode { get; init; } = ImageDecodeOptions.Default with { MaxPixels = 50_000_000 };

    /// <summary>Video decode settings.</summary>
    public VideoDecodeOptions VideoDecode { get; init; } = VideoDecodeOptions.Default;
}
