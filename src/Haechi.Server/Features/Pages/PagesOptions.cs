using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Pages;

/// <summary>The web pages (section <c>Pages</c>).</summary>
internal sealed class PagesOptions : IValidatableObject
{
    public const string Section = "Pages";

    /// <summary>
    /// The time zone every page shows times in (IANA id, e.g. <c>Asia/Seoul</c>; <c>Asia/Seoul</c> works even
    /// where the system has no time zone data).
    /// </summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Seoul";

    /// <summary>The zone's label shown after every time (<c>KST</c>).</summary>
    [Required]
    [StringLength(16, MinimumLength = 1)]
    public string TimeZoneLabel { get; set; } = "KST";

    /// <summary>
    /// Where the quick-exit button (and the Esc key) on victim pages goes: a neutral page that replaces
    /// Haechi's page in the tab's history. An absolute http(s) URL or a local path.
    /// </summary>
    [Required]
    public string QuickExitUrl { get; set; } = "https://weather.naver.com/";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (KoreaTime.Find(TimeZone) is null)
        {
            yield return new ValidationResult($"Pages:TimeZone '{TimeZone}' is not a time zone this system knows.", [nameof(TimeZone)]);
        }

        var local = QuickExitUrl.StartsWith('/') && !QuickExitUrl.StartsWith("//", StringComparison.Ordinal);
        if (!local && !(Uri.TryCreate(QuickExitUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            yield return new ValidationResult("Pages:QuickExitUrl must be an http(s) URL or a local path.", [nameof(QuickExitUrl)]);
        }
    }
}
