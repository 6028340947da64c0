using System.Globalization;

namespace Haechi.Core.Reports;

/// <summary>Where the reported content was seen. Stored as its number: never renumber.</summary>
public enum ReportPlatform
{
    /// <summary>Telegram.</summary>
    Telegram = 0,

    /// <summary>KakaoTalk.</summary>
    KakaoTalk = 1,

    /// <summary>X (Twitter).</summary>
    X = 2,

    /// <summary>Instagram.</summary>
    Instagram = 3,

    /// <summary>Any other website.</summary>
    Website = 4,

    /// <summary>Anywhere else.</summary>
    Other = 5,
}

/// <summary>How urgently a report is reviewed; higher first. Stored as its number.</summary>
public enum ReportPriority
{
    /// <summary>An ordinary report.</summary>
    Normal = 1,

    /// <summary>The person shown may be under 18: child sexual exploitation, reviewed first.</summary>
    Highest = 3,
}

/// <summary>A report as submitted, before it is stored.</summary>
/// <param name="Urls">Links to the content, chat room or channel.</param>
/// <param name="Platform">Where it was seen.</param>
/// <param name="Channel">Chat room or channel name.</param>
/// <param name="Description">What the reporter wants to tell.</param>
/// <param name="PossibleMinor">The person shown may be under 18.</param>
/// <param name="Contact">How to reach the reporter (optional).</param>
public sealed record ReportSubmission(
    IReadOnlyList<string> Urls,
    ReportPlatform Platform,
    string? Channel,
    string? Description,
    bool PossibleMinor,
    string? Contact);

/// <summary>What a report may hold and how it is prioritised.</summary>
public static class ReportRules
{
    /// <summary>Most links in one report.</summary>
    public const int MaxUrls = 20;

    /// <summary>Longest link.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>Longest chat room or channel name.</summary>
    public const int MaxChannelLength = 200;

    /// <summary>Longest description.</summary>
    public const int MaxDescriptionLength = 4000;

    /// <summary>Longest contact.</summary>
    public const int MaxContactLength = 200;

    /// <summary>
    /// The links in a free-text field: one per line, blank lines dropped, each trimmed (shared by
    /// the web form, the multipart API and any connector that receives pasted links).
    /// </summary>
    public static string[] SplitLinks(string? text) =>
        (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A report about a possible minor goes first.</summary>
    public static ReportPriority PriorityOf(ReportSubmission report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.PossibleMinor ? ReportPriority.Highest : ReportPriority.Normal;
    }

    /// <summary>
    /// The problems with a report, keyed by field (empty when it is acceptable). A report needs at
    /// least one link or a channel name; links are absolute http(s) URLs.
    /// </summary>
    public static Dictionary<string, string[]> Validate(ReportSubmission report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var urls = report.Urls ?? [];
        if (urls.Count > MaxUrls)
        {
            errors["urls"] = [string.Create(CultureInfo.InvariantCulture, $"At most {MaxUrls} links per report.")];
        }
        else
        {
            var problems = new List<string>();
            for (var i = 0; i < urls.Count; i++)
            {
                if (ValidateUrl(urls[i]) is { } problem)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"Link {i + 1}: {problem}"));
                }
            }

            if (problems.Count > 0)
            {
                errors["urls"] = [.. problems];
            }
        }

        if (!Enum.IsDefined(report.Platform))
        {
            errors["platform"] = ["Unknown platform."];
        }

        CheckText(errors, "channel", report.Channel, MaxChannelLength);
        CheckText(errors, "description", report.Description, MaxDescriptionLength);
        CheckText(errors, "contact", report.Contact, MaxContactLength);
        if (urls.Count == 0 && string.IsNullOrWhiteSpace(report.Channel))
        {
            errors["urls"] = ["Give at least one link or the chat room / channel name."];
        }

        return errors;
    }

    /// <summary>Why <paramref name="url"/> is not an acceptable link, or null.</summary>
    public static string? ValidateUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "the link is empty.";
        }

        if (url.Length > MaxUrlLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a link is at most {MaxUrlLength} characters.");
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            return "not an http:// or https:// link.";
        }

        return null;
    }

    private static void CheckText(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > maxLength)
        {
            errors[field] = [string.Create(CultureInfo.InvariantCulture, $"At most {maxLength} characters.")];
            return;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                errors[field] = ["Control characters are not allowed."];
                return;
            }
        }
    }
}
