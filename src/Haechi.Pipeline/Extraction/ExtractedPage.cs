namespace Haechi.Pipeline.Extraction;

/// <summary>How a media link was found on the page.</summary>
public enum MediaSource
{
    /// <summary><c>img src</c>.</summary>
    Img,

    /// <summary>A candidate in <c>srcset</c> (img or picture/source).</summary>
    Srcset,

    /// <summary><c>og:image</c> / <c>og:video</c> / <c>twitter:image</c>.</summary>
    OpenGraph,

    /// <summary><c>video src</c>, <c>video poster</c> or <c>video/source src</c>.</summary>
    Video,

    /// <summary>An <c>a href</c> ending in a media extension.</summary>
    Link,

    /// <summary>A <c>background-image: url(...)</c> in an element's style attribute (how a Telegram channel's web preview shows photos).</summary>
    Background,
}

/// <summary>One media URL found on a page.</summary>
/// <param name="Url">The media's absolute URL.</param>
/// <param name="Source">How it was found.</param>
/// <param name="Post">The <c>data-post</c> of the nearest element around it that has one (a Telegram web preview's <c>channel/123</c>), or null.</param>
public sealed record MediaLink(Uri Url, MediaSource Source, string? Post = null);

/// <summary>The media and pagination links of one page, bounded by <see cref="ExtractionOptions"/>.</summary>
public sealed record ExtractedPage(IReadOnlyList<MediaLink> Media, IReadOnlyList<Uri> NextPages, bool Truncated);

/// <summary>Caps that keep the work on one page bounded whatever it holds.</summary>
public sealed record ExtractionOptions
{
    /// <summary>Defaults: 500 media, 10 pagination links, 5,000 elements examined per kind.</summary>
    public static ExtractionOptions Default { get; } = new();

    /// <summary>Media URLs kept per page.</summary>
    public int MaxMediaPerPage { get; init; } = 500;

    /// <summary>Pagination links kept per page.</summary>
    public int MaxNextPages { get; init; } = 10;

    /// <summary>Elements of each kind (img, a, source...) looked at per page.</summary>
    public int MaxElementsExamined { get; init; } = 5_000;

    /// <summary>Candidates kept from one srcset.</summary>
    public int MaxSrcsetCandidates { get; init; } = 16;
}
