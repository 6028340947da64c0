namespace Haechi.Core.Takedowns;

/// <summary>Where a police referral stands. Stored as its number: never renumber.</summary>
public enum PoliceReferralStatus
{
    /// <summary>Created (by an analyst's "needs police" decision or by the notice loop's escalation), not yet taken up.</summary>
    Open = 0,

    /// <summary>An investigator took it up (the package went, or goes, to the police).</summary>
    Accepted = 1,

    /// <summary>Finished: nothing more is done with it here.</summary>
    Closed = 2,
}

/// <summary>What created a police referral. Stored as its number: never renumber.</summary>
public enum PoliceReferralOrigin
{
    /// <summary>An analyst decided "needs police" on a review item.</summary>
    Decision = 0,

    /// <summary>The notice loop escalated a noticed item after repeated notices.</summary>
    Escalation = 1,
}

/// <summary>The police referral's small state machine: open → accepted → closed (or open → closed).</summary>
public static class PoliceReferralRules
{
    /// <summary>Longest reason or note kept with a referral.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>Whether a referral may go from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(PoliceReferralStatus from, PoliceReferralStatus to) => (from, to) switch
    {
        (PoliceReferralStatus.Open, PoliceReferralStatus.Accepted or PoliceReferralStatus.Closed) => true,
        (PoliceReferralStatus.Accepted, PoliceReferralStatus.Closed) => true,
        _ => false,
    };
}
