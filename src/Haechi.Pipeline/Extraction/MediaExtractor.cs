using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Haechi.Pipeline.Extraction;

/// <summary>
/// Finds the images and videos on an HTML page (img src and srcset, picture/source, og:image and
/// og:video, video and its sources, links to media files, <c>background-image</c> URLs in style
/// attributes), each with the <c>data-post</c> around it where there is one (a Telegram channel's web
/// preview marks each post so), and the same-site links to its next
/// pages (rel=next, anchors reading "next"/"다음", <c>page=N+1</c>). Work is capped per page.
/// </summary>
public sealed partial class MediaExtractor(ExtractionOptions? options = null)
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".avif", ".heic", ".heif",
    };

    private static readonly HashSet<string> VideoExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi",
    };

    private static readonly string[] NextWords = ["next", "next page", "next »", "next ›", "next >", "»", "›", "다음", "다음 페이지", "다음페이지", "다음 ›", "다음 »", "older posts"];

    private readonly ExtractionOptions _options = options ?? ExtractionOptions.Default;

    /// <summary>True when the path ends in an image or video extension.</summary>
    public static bool HasMediaExtension(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var extension = Path.GetExtension(url.AbsolutePath);
        return ImageExtensions.Contains(extension) || VideoExtensions.Contains(extension);
    }

    /// <summary>True when the path ends in a video extension.</summary>
    public static bool HasVideoExtension(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return VideoExtensions.Contains(Path.GetExtension(url.AbsolutePath));
    }

    /// <summary>Extracts from an HTML body as fetched (the encoding is detected from the BOM and meta charset).</summary>
    public ExtractedPage Extract(byte[] html, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(html);
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var stream = new MemoryStream(html, writable: false);
        using var document = parser.ParseDocument(stream);
        return Extract(document, pageUrl);
    }

    /// <summary>Extracts from <paramref name="html"/>, resolving relative URLs against <paramref name="pageUrl"/> (or the page's base element).</summary>
    public ExtractedPage Extract(string html, Uri pageUrl)
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsScripting = false });
        using var document = parser.ParseDocument(html ?? string.Empty);
        return Extract(document, pageUrl);
    }

    private ExtractedPage Extract(IHtmlDocument document, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(pageUrl);
        var baseUrl = pageUrl;
        if (document.QuerySelector("base[href]")?.GetAttribute("href") is { } baseHref && Uri.TryCreate(pageUrl, baseHref.Trim(), out var resolvedBase) && IsHttp(resolvedBase))
        {
            baseUrl = resolvedBase;
        }

        var collector = new Collector(_options, baseUrl);
        foreach (var meta in Take(document.QuerySelectorAll("meta[property], meta[name]")))
        {
            var key = meta.GetAttribute("property") ?? meta.GetAttribute("name");
            if (key is "og:image" or "og:image:url" or "og:image:secure_url" or "og:video" or "og:video:url" or "og:video:secure_url" or "twitter:image" or "twitter:player:stream")
            {
                collector.AddMedia(meta.GetAttribute("content"), MediaSource.OpenGraph);
            }
        }

        foreach (var image in Take(document.QuerySelectorAll("img")))
        {
            var post = PostOf(image);
            collector.AddMedia(image.GetAttribute("src"), MediaSource.Img, post);
            collector.AddMedia(image.GetAttribute("data-src"), MediaSource.Img, post);
            collector.AddSrcset(image.GetAttribute("srcset"), post);
            collector.AddSrcset(image.GetAttribute("data-srcset"), post);
        }

        foreach (var source in Take(document.QuerySelectorAll("picture source, video source, audio source")))
        {
            var inVideo = source.ParentElement is IHtmlVideoElement;
            var post = PostOf(source);
            collector.AddMedia(source.GetAttribute("src"), inVideo ? MediaSource.Video : MediaSource.Img, post);
            collector.AddSrcset(source.GetAttribute("srcset"), post);
        }

        foreach (var video in Take(document.QuerySelectorAll("video")))
        {
            var post = PostOf(video);
            collector.AddMedia(video.GetAttribute("src"), MediaSource.Video, post);
            collector.AddMedia(video.GetAttribute("poster"), MediaSource.Video, post);
        }

        foreach (var styled in Take(document.QuerySelectorAll("[style*='url(']")))
        {
            var post = PostOf(styled);
            var kept = 0;
            foreach (Match match in BackgroundUrl().Matches(styled.GetAttribute("style") ?? string.Empty))
            {
                if (kept++ >= _options.MaxSrcsetCandidates)
                {
                    break;
                }

                collector.AddMedia(match.Groups["url"].Value, MediaSource.Background, post);
            }
        }

        var currentPage = PageNumber(pageUrl);
        foreach (var link in Take(document.QuerySelectorAll("a[href], link[rel][href]")))
        {
            var href = link.GetAttribute("href");
            if (href is null || !Uri.TryCreate(baseUrl, href.Trim(), out var target) || !IsHttp(target))
            {
                continue;
            }

            if (link is IHtmlAnchorElement && HasMediaExtension(target))
            {
                collector.AddMedia(target, MediaSource.Link, PostOf(link));
                continue;
            }

            if (!SameSite(target, pageUrl))
            {
                continue;
            }

            var rel = link.GetAttribute("rel") ?? string.Empty;
            var isNext = rel.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("next", StringComparer.OrdinalIgnoreCase);
            if (!isNext && link is IHtmlAnchorElement)
            {
                var text = Normalise(link.TextContent);
                var label = Normalise(link.GetAttribute("aria-label") ?? string.Empty);
                isNext = Array.IndexOf(NextWords, text) >= 0 || Array.IndexOf(NextWords, label) >= 0
                    || (PageNumber(target) is { } page && page == (currentPage ?? 1) + 1);
            }

            if (isNext)
            {
                collector.AddNext(target);
            }
        }

        return collector.Result();
    }

    // background-image: url('…') or background: … url(…), the URL quoted or not.
    [GeneratedRegex(@"background(?:-image)?\s*:[^;]*?url\(\s*(?<q>['""]?)(?<url>[^'""\)]+)\k<q>\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BackgroundUrl();

    // The data-post of the nearest element around it (a Telegram web preview's "channel/123"), bounded to short values.
    private static string? PostOf(IElement element) =>
        element.Closest("[data-post]")?.GetAttribute("data-post") is { Length: > 0 and <= 200 } post ? post : null;

    private IEnumerable<IElement> Take(IHtmlCollection<IElement> elements)
    {
        var count = Math.Min(elements.Length, _options.MaxElementsExamined);
        for (var i = 0; i < count; i++)
        {
            yield return elements[i];
        }
    }

    private static string Normalise(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>The value of a <c>page</c> (or <c>p</c>, <c>pg</c>) query parameter, or a trailing <c>/page/N</c>.</summary>
    internal static int? PageNumber(Uri url)
    {
        var query = url.Query.TrimStart('?');
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = pair[..equals];
            if ((key.Equals("page", StringComparison.OrdinalIgnoreCase) || key.Equals("p", StringComparison.OrdinalIgnoreCase) || key.Equals("pg", StringComparison.OrdinalIgnoreCase))
                && int.TryParse(pair[(equals + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        var segments = url.Segments;
        if (segments.Length >= 2 && segments[^2].Equals("page/", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(segments[^1].TrimEnd('/'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return null;
    }

    internal static bool SameSite(Uri a, Uri b) =>
        string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static bool IsHttp(Uri url) => url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps;

    private sealed class Collector(ExtractionOptions options, Uri baseUrl)
    {
        private readonly List<MediaLink> _media = [];
        private readonly List<Uri> _next = [];
        private readonly HashSet<string> _seenMedia = new(StringComparer.Ordinal);
        private readonly HashSet<string> _seenNext = new(StringComparer.Ordinal);
        private bool _truncated;

        public void AddMedia(string? value, MediaSource source, string? post = null)
        {
            if (string.IsNullOrWhiteSpace(value) || value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (Uri.TryCreate(baseUrl, value.Trim(), out var url) && IsHttp(url))
            {
                AddMedia(url, source, post);
            }
        }

        public void AddMedia(Uri url, MediaSource source, string? post = null)
        {
            var key = WithoutFragment(url);
            if (_seenMedia.Contains(key))
            {
                return;
            }

            if (_media.Count >= options.MaxMediaPerPage)
            {
                _truncated = true;
                return;
            }

            _seenMedia.Add(key);
            _media.Add(new MediaLink(new Uri(key), source, post));
        }

        public void AddSrcset(string? srcset, string? post = null)
        {
            if (string.IsNullOrWhiteSpace(srcset))
            {
                return;
            }

            // "url 1x, url 640w": candidates split on commas that follow a descriptor or end a URL.
            var kept = 0;
            foreach (var candidate in SplitSrcset(srcset))
            {
                if (kept++ >= options.MaxSrcsetCandidates)
                {
                    _truncated = true;
                    break;
                }

                AddMedia(candidate, MediaSource.Srcset, post);
            }
        }

        public void AddNext(Uri url)
        {
            var key = WithoutFragment(url);
            if (_seenNext.Contains(key))
            {
                return;
            }

            if (_next.Count >= options.MaxNextPages)
            {
                _truncated = true;
                return;
            }

            _seenNext.Add(key);
            _next.Add(new Uri(key));
        }

        public ExtractedPage Result() => new(_media, _next, _truncated);

        private static string WithoutFragment(Uri url) => url.GetComponents(UriComponents.AbsoluteUri & ~UriComponents.Fragment, UriFormat.UriEscaped);
    }

    /// <summary>The URLs of a srcset attribute (HTML's "parse a srcset attribute", without descriptors).</summary>
    internal static List<string> SplitSrcset(string srcset)
    {
        var urls = new List<string>();
        var position = 0;
        while (position < srcset.Length)
        {
            while (position < srcset.Length && (char.IsWhiteSpace(srcset[position]) || srcset[position] == ','))
            {
                position++;
            }

            var start = position;
            while (position < srcset.Length && !char.IsWhiteSpace(srcset[position]))
            {
                position++;
            }

            var url = srcset[start..position];
            var trailingCommas = false;
            while (url.EndsWith(',') && url.Length > 0)
            {
                url = url[..^1];
                trailingCommas = true;
            }

            if (url.Length > 0)
            {
                urls.Add(url);
            }

            if (!trailingCommas)
            {
                // Skip the descriptors up to the next comma outside parentheses.
                var depth = 0;
                while (position < srcset.Length && (srcset[position] != ',' || depth > 0))
                {
                    depth += srcset[position] == '(' ? 1 : srcset[position] == ')' ? -1 : 0;
                    position++;
                }
            }
        }

        return urls;
    }
}
