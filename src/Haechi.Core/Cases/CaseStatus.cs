namespace Haechi.Core.Cases;

/// <summary>Where a victim's case stands. Stored as its number: never renumber.</summary>
public enum CaseStatus
{
    /// <summary>Fingerprints are in the victim-registered bank and matched against.</summary>
    Registered = 0,

    /// <summary>A copy was found (a match was confirmed).</summary>
    MatchFound = 1,

    /// <summary>A removal request was sent to a host.</summary>
    NoticeSent = 2,

    /// <summary>The host removed the content.</summary>
    Removed = 3,

    /// <summary>The victim withdrew: every fingerprint is erased and never matches again.</summary>
    Withdrawn = 4,
}

/// <summary>What happened to a case, as the victim sees it in its history. Stored as its number.</summary>
public enum CaseEventKind
{
    /// <summary>The case was created with its first fingerprints.</summary>
    Registered = 0,

    /// <summary>More fingerprints were added.</summary>
    SignalsAdded = 1,

    /// <summary>A match was confirmed.</summary>
    MatchFound = 2,

    /// <summary>A removal request was sent.</summary>
    NoticeSent = 3,

    /// <summary>Content was removed.</summary>
    Removed = 4,

    /// <summary>The victim withdrew the case.</summary>
    Withdrawn = 5,

    /// <summary>She enrolled her face (an embedding computed on her device, with its own consent).</summary>
    FaceAdded = 6,
}

/// <summary>The case state machine: which changes are allowed.</summary>
public static class CaseStateRules
{
    /// <summary>Whether a case may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <remarks>
    /// Withdrawal is allowed from every live state and is final. A removed copy can be found again
    /// (the content returns), which reopens the cycle at <see cref="CaseStatus.MatchFound"/>.
    /// </remarks>
    public static bool CanTransition(CaseStatus from, CaseStatus to) => (from, to) switch
    {
        (CaseStatus.Withdrawn, _) => false,
        (_, CaseStatus.Withdrawn) => true,
        (CaseStatus.Registered, CaseStatus.MatchFound) => true,
        (CaseStatus.MatchFound, CaseStatus.NoticeSent) => true,
        (CaseStatus.NoticeSent, CaseStatus.Removed) => true,
        (CaseStatus.NoticeSent, CaseStatus.MatchFound) => true,
        (CaseStatus.Removed, CaseStatus.MatchFound) => true,
        _ => false,
    };

    /// <summary>Whether the victim may still add fingerprints.</summary>
    public static bool AcceptsSignals(CaseStatus status) => status != CaseStatus.Withdrawn;

    /// <summary>The history event that records a move into <paramref name="to"/>.</summary>
    public static CaseEventKind EventFor(CaseStatus to) => to switch
    {
        CaseStatus.Registered => CaseEventKind.Registered,
        CaseStatus.MatchFound => CaseEventKind.MatchFound,
        CaseStatus.NoticeSent => CaseEventKind.NoticeSent,
        CaseStatus.Removed => CaseEventKind.Removed,
        CaseStatus.Withdrawn => CaseEventKind.Withdrawn,
        _ => throw new ArgumentOutOfRangeException(nameof(to)),
    };
}
