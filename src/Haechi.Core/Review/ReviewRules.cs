using Haechi.Core.Signals;

namespace Haechi.Core.Review;

/// <summary>What produced a review item. Stored as its number: never renumber.</summary>
public enum ReviewItemKind
{
    /// <summary>A public report (one item per evidence screenshot, or one without evidence).</summary>
    Report = 0,

    /// <summary>Content that matched a bank (hash list) signal.</summary>
    BankMatch = 1,

    /// <summary>Content that matched an enrolled face.</summary>
    FaceMatch = 2,

    /// <summary>Content a watcher or ingestion pipeline found on the web.</summary>
    WebItem = 3,

    /// <summary>
    /// Ingested content that matched no bank and no enrolled face but that the nudity classifier scored
    /// over the queueing threshold: it may show a victim who has not registered (signal "nudity").
    /// </summary>
    NudityTriage = 4,
}

/// <summary>Where an item stands. Stored as its number.</summary>
public enum ReviewStatus
{
    /// <summary>Waiting for an analyst.</summary>
    Open = 0,

    /// <summary>An analyst decided.</summary>
    Decided = 1,

    /// <summary>The same content was decided before: classified by fingerprint, never shown again.</summary>
    AutoClassified = 2,

    /// <summary>
    /// Queued only because it matched a victim's registration, and she withdrew asking that
    /// follow-ups stop before anyone decided: out of the queue, its link to her erased.
    /// </summary>
    StoppedByVictim = 3,
}

/// <summary>An analyst's decision. Stored as its number.</summary>
public enum ReviewDecision
{
    /// <summary>Confirmed abuse content: goes on to notices and banks.</summary>
    Confirm = 1,

    /// <summary>Not abuse content.</summary>
    NotAbuse = 2,

    /// <summary>Needs the police (e.g. a minor, a threat).</summary>
    NeedsPolice = 3,

    /// <summary>The same content as another item.</summary>
    Duplicate = 4,
}

/// <summary>The order of the review queue and the rules of decisions and auto-classification.</summary>
public static class ReviewRules
{
    /// <summary>Longest decision reason.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>
    /// PDQ distance at or under which new content counts as content already decided (the PDQ
    /// paper's recommended match threshold, as the banks use).
    /// </summary>
    public const int SameContentPdqDistance = SignalType.PdqThreshold;

    /// <summary>
    /// Queue order: the possible-minor flag first, then the priority (<see cref="ReviewPriority"/>),
    /// then match strength, then nudity score (all higher first), then age (older first, by id).
    /// </summary>
    public static int Compare(in ReviewOrderKey a, in ReviewOrderKey b)
    {
        var c = b.PossibleMinor.CompareTo(a.PossibleMinor);
        if (c != 0)
        {
            return c;
        }

        c = b.Priority.CompareTo(a.Priority);
        if (c != 0)
        {
            return c;
        }

        c = b.MatchStrength.CompareTo(a.MatchStrength);
        if (c != 0)
        {
            return c;
        }

        c = b.NudityScore.CompareTo(a.NudityScore);
        return c != 0 ? c : a.Id.CompareTo(b.Id);
    }

    /// <summary>Whether a reason is acceptable: every decision needs one (duplicate too), at most <see cref="MaxReasonLength"/> characters.</summary>
    public static string? ValidateReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "Give a reason for the decision."
        : reason.Length > MaxReasonLength ? $"The reason is longer than {MaxReasonLength} characters."
        : null;
}

/// <summary>What the queue order looks at.</summary>
/// <param name="Id">Item id (lower is older).</param>
/// <param name="PossibleMinor">The person shown may be under 18.</param>
/// <param name="MatchStrength">0..1, strongest bank or face match.</param>
/// <param name="NudityScore">0..1, or 0 when not scored.</param>
/// <param name="Priority">0..1, see <see cref="ReviewPriority"/>.</param>
public readonly record struct ReviewOrderKey(long Id, bool PossibleMinor, double MatchStrength, double NudityScore, double Priority = 0);
