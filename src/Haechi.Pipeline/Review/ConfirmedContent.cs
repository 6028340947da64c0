using System.Globalization;
using Haechi.Pipeline.Matching;

namespace Haechi.Pipeline.Review;

/// <summary>
/// The bank of confirmed content: what analysts confirmed, kept so every later copy is matched and
/// linked to the same decision. Its entries' external id names the review item they came from.
/// </summary>
public static class ConfirmedContent
{
    /// <summary>The bank's name (photos: PDQ with views).</summary>
    public const string BankName = "confirmed";

    /// <summary>The bank of confirmed videos (vPDQ).</summary>
    public const string VideoBankName = "confirmed-video";

    /// <summary>Whether <paramref name="bank"/> is one of the confirmed-content banks.</summary>
    public static bool IsConfirmedBank(string? bank) => bank is BankName or VideoBankName;

    private const string Prefix = "review-item:";

    /// <summary>The external id of the entry made from review item <paramref name="reviewItemId"/>.</summary>
    public static string ExternalId(long reviewItemId) => Prefix + reviewItemId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The match an item is linked to: a match with confirmed content when there is one (so the copy
    /// takes the decision already made, and through it still leads to the victim's case), else the
    /// strongest. Every caller that links an item to an entry chooses through here.
    /// </summary>
    public static ImageBankMatch Linked(IReadOnlyList<ImageBankMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        return matches.FirstOrDefault(m => IsConfirmedBank(m.Entry.Bank)) ?? matches[0];
    }

    /// <inheritdoc cref="Linked(IReadOnlyList{ImageBankMatch})"/>
    public static VideoBankMatch Linked(IReadOnlyList<VideoBankMatch> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        return matches.FirstOrDefault(m => IsConfirmedBank(m.Entry.Bank)) ?? matches[0];
    }

    /// <summary>The review item an entry of the confirmed bank came from, or null for any other external id.</summary>
    public static long? ReviewItemOf(string? externalId) =>
        externalId is not null && externalId.StartsWith(Prefix, StringComparison.Ordinal)
        && long.TryParse(externalId.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
