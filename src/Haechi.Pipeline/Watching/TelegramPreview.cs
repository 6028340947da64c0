using System.Globalization;

namespace Haechi.Pipeline.Watching;

/// <summary>A public Telegram channel, or one post in it, named by a <c>t.me</c> link.</summary>
/// <param name="Channel">The channel's public username.</param>
/// <param name="Message">The post's number, or null for the whole channel.</param>
public sealed record TelegramChannelLink(string Channel, long? Message);

/// <summary>
/// Public Telegram channels read through their web preview: <c>https://t.me/{channel}</c> and
/// <c>https://t.me/{channel}/{post}</c> (also <c>telegram.me</c> and the preview's own
/// <c>t.me/s/…</c>) are read at <c>{base}/s/{channel}</c> (or <c>/s/{channel}/{post}</c>), the page
/// Telegram serves without an account, listing the channel's recent posts; each post carries
/// <c>data-post="{channel}/{post}"</c>, its photos as <c>background-image</c> URLs and its videos as
/// <c>video src</c>. Private links (<c>t.me/c/…</c>), invitations (<c>t.me/+…</c>,
/// <c>t.me/joinchat/…</c>) and Telegram's own pages are not channels and are read as ordinary pages.
/// </summary>
public static class TelegramPreview
{
    /// <summary>Where a post is linked: <c>https://t.me/{channel}/{post}</c>, whatever preview base the server reads from.</summary>
    public static readonly Uri PublicBase = new("https://t.me/");

    // Paths under t.me that are Telegram's own pages, not channel usernames.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "c", "s", "joinchat", "addstickers", "addemoji", "addtheme", "addlist", "share", "proxy", "socks", "login", "iv", "setlanguage", "confirmphone", "contact", "bg", "boost", "giftcode", "invoice", "m", "i", "k", "a", "z",
    };

    /// <summary>The channel (and post) a link names, or null when it is not a public channel link.</summary>
    public static TelegramChannelLink? Parse(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !(url.IdnHost.Equals("t.me", StringComparison.OrdinalIgnoreCase) || url.IdnHost.Equals("www.t.me", StringComparison.OrdinalIgnoreCase)
                || url.IdnHost.Equals("telegram.me", StringComparison.OrdinalIgnoreCase) || url.IdnHost.Equals("www.telegram.me", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && segments[0].Equals("s", StringComparison.OrdinalIgnoreCase))
        {
            segments = segments[1..];
        }

        if (segments.Length is < 1 or > 2 || !IsUsername(segments[0]) || Reserved.Contains(segments[0]))
        {
            return null;
        }

        long? message = null;
        if (segments.Length == 2)
        {
            if (!long.TryParse(segments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
            {
                return null;
            }

            message = number;
        }

        return new TelegramChannelLink(segments[0], message);
    }

    /// <summary>The web preview page of <paramref name="link"/> at <paramref name="previewBase"/> (<c>https://t.me</c> in production).</summary>
    public static Uri PreviewUrl(Uri previewBase, TelegramChannelLink link)
    {
        ArgumentNullException.ThrowIfNull(previewBase);
        ArgumentNullException.ThrowIfNull(link);
        var path = link.Message is { } message
            ? string.Create(CultureInfo.InvariantCulture, $"s/{link.Channel}/{message}")
            : "s/" + link.Channel;
        return new Uri(WithSlash(previewBase), path);
    }

    /// <summary>The public link of a preview post <c>{channel}/{post}</c> (a media's <c>data-post</c>), or null when it is not one.</summary>
    public static Uri? PostLink(string? post)
    {
        if (post is null)
        {
            return null;
        }

        var slash = post.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IsUsername(post[..slash])
            && long.TryParse(post.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? new Uri(PublicBase, string.Create(CultureInfo.InvariantCulture, $"{post[..slash]}/{number}"))
            : null;
    }

    // Telegram usernames: 4..32 of letters, digits and underscores, starting with a letter (5 for new ones; older and bot names are shorter).
    private static bool IsUsername(string value)
    {
        if (value.Length is < 3 or > 32 || !char.IsAsciiLetter(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static Uri WithSlash(Uri baseUrl) => baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
}
