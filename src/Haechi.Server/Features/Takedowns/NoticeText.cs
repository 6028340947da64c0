using System.Globalization;
using System.Resources;
using System.Text;
using Haechi.Core.Hashing;

namespace Haechi.Server.Features.Takedowns;

/// <summary>One item as a notice lists it: where, which fingerprints, when. Never the content.</summary>
internal sealed record NoticeLine(string Url, byte[]? Pdq, byte[]? Sha256, DateTimeOffset FirstSeenAt, DateTimeOffset? FirstNoticeAt, int NoticesSent, string? Page = null);

/// <summary>Subject and body of a notice.</summary>
internal sealed record NoticeMessage(string Subject, string Body);

/// <summary>
/// Builds notice text from the templates in <c>Resources/NoticeTemplates(.ko).resx</c>, in the
/// contact's language (not the analyst's): legal basis, the request, and the item list (URL, PDQ
/// hex, SHA-256 hex, first seen, first notice, UTC ISO 8601). Nothing of the content itself.
/// </summary>
internal static class NoticeText
{
    private static readonly ResourceManager Templates = new("Haechi.Server.Resources.NoticeTemplates", typeof(NoticeText).Assembly);

    public static string NormaliseLanguage(string? language) => string.Equals(language, "en", StringComparison.OrdinalIgnoreCase) ? "en" : "ko";

    public static NoticeMessage Build(string language, string organisation, long noticeReference, int round, bool escalated, IReadOnlyList<NoticeLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var culture = CultureInfo.GetCultureInfo(NormaliseLanguage(language));
        string T(string name) => Templates.GetString(name, culture) ?? throw new InvalidOperationException("Missing notice template " + name);
        string F(string name, params object?[] args) => string.Format(culture, T(name), args);

        var reference = noticeReference.ToString(CultureInfo.InvariantCulture);
        var subject = round <= 1 ? F("Subject", organisation, reference, lines.Count) : F("SubjectRepeat", organisation, reference, lines.Count, round);
        var body = new StringBuilder();
        body.AppendLine(F("Greeting", organisation)).AppendLine();
        body.AppendLine(round <= 1 ? T("Request") : F("RequestRepeat", round)).AppendLine();
        if (escalated)
        {
            body.AppendLine(T("Escalated")).AppendLine();
        }

        body.AppendLine(T("LegalBasisTitle"));
        body.AppendLine(T("LegalBasis1"));
        body.AppendLine(T("LegalBasis2")).AppendLine();
        body.AppendLine(F("ItemsTitle", lines.Count));
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            body.Append(CultureInfo.InvariantCulture, $"{i + 1}. ").AppendLine(line.Url);
            if (line.Page is { Length: > 0 } page && page != line.Url)
            {
                body.Append("   ").Append(T("ShownOn")).Append(": ").AppendLine(page);
            }

            if (line.Pdq is { Length: 32 } pdq)
            {
                body.Append("   PDQ: ").AppendLine(Hash256.ReadBigEndian(pdq).ToString());
            }

            if (line.Sha256 is { Length: 32 } sha)
            {
                body.Append("   SHA-256: ").AppendLine(Convert.ToHexStringLower(sha));
            }

            body.Append("   ").Append(T("FirstSeen")).Append(": ").AppendLine(Utc(line.FirstSeenAt));
            if (line.FirstNoticeAt is { } first)
            {
                body.Append("   ").Append(T("FirstNotice")).Append(": ").Append(Utc(first)).Append(" (").Append(F("NoticesSoFar", line.NoticesSent)).AppendLine(")");
            }
        }

        body.AppendLine().AppendLine(T("NoContent"));
        body.AppendLine(F("Reply", reference)).AppendLine();
        body.AppendLine(organisation);
        return new NoticeMessage(subject, body.ToString());
    }

    public static string Utc(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
