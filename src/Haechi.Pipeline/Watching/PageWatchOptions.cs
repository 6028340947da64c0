using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Extraction;
using Haechi.Pipeline.Matching;

namespace Haechi.Pipeline.Watching;

/// <summary>How far and how hard one watch goes.</summary>
public sealed record PageWatchOptions
{
    /// <summary>Defaults: the page only, 4 media at a time, 500 media per run.</summary>
    public static PageWatchOptions Default { get; } = new();

    /// <summary>Pagination hops followed from the start page (0: the start page only).</summary>
    public int Depth { get; init; }

    /// <summary>Pages fetched per run, whatever the depth.</summary>
    public int MaxPages { get; init; } = 50;

    /// <summary>Media items fetched per run; the rest are reported as skipped.</summary>
    public int MaxMediaItems { get; init; } = 500;

    /// <summary>Media items fetched and fingerprinted at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Also match rotated and mirrored copies (the 8 dihedral hashes of each image).</summary>
    public bool Dihedral { get; init; }

    /// <summary>Which bank entries count as matches.</summary>
    public MatchFilter Filter { get; init; } = MatchFilter.Default;

    /// <summary>Per-page caps of the extractor.</summary>
    public ExtractionOptions Extraction { get; init; } = ExtractionOptions.Default;

    /// <summary>Image decoding limits; the pixel cap refuses decompression bombs before decoding.</summary>
    public ImageDecodeOptions ImageDecode { get; init; } = ImageDecodeOptions.Default with { MaxPixels = 50_000_000 };

    /// <summary>Video decoding: one frame per second, capped in length.</summary>
    public VideoDecodeOptions VideoDecode { get; init; } = VideoDecodeOptions.Default with
    {
        FramesPerSecond = 1,
        MaxDuration = TimeSpan.FromHours(1),
        DecodeTimeout = TimeSpan.FromMinutes(5),
    };
}
