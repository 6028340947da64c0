namespace Haechi.Core.Takedowns;

/// <summary>
/// Where a noticed item stands, in the hotline vocabulary (INHOPE ICCAM's statuses). Stored as its
/// number: never renumber.
/// </summary>
public enum NoticeStatus
{
    /// <summary>Found and confirmed, no notice sent yet.</summary>
    New = 0,

    /// <summary>A removal notice went to the host or platform.</summary>
    ReferredToHost = 1,

    /// <summary>Escalated to the police (after repeated notices, or at once by an analyst).</summary>
    ReferredToPolice = 2,

    /// <summary>Verified gone (or no longer the matched content) at the URL.</summary>
    Removed = 3,

    /// <summary>Could not be reached when first assessed (never seen by a notice).</summary>
    Unavailable = 4,

    /// <summary>The content is known to be at another URL; that URL gets its own notice.</summary>
    Moved = 5,

    /// <summary>Assessed as not illegal: no notice.</summary>
    NotIllegal = 6,
}

/// <summary>What a re-check (re-fetch and re-fingerprint) of a noticed URL found.</summary>
public enum RecheckOutcome
{
    /// <summary>The URL answers 404/410 or no longer serves media.</summary>
    Gone,

    /// <summary>The same content (matching fingerprint) is still there.</summary>
    StillThere,

    /// <summary>The URL serves media that no longer matches.</summary>
    Changed,
}

/// <summary>What the notice loop should do next for an item.</summary>
public enum NoticeAction
{
    /// <summary>Nothing now (waiting for the interval, an analyst, or finished).</summary>
    None,

    /// <summary>Re-check the URL, then re-notify if it is still there.</summary>
    RecheckAndRenotify,

    /// <summary>Re-check the URL, then escalate to the police if it is still there.</summary>
    RecheckAndEscalate,
}

/// <summary>How often to re-notify and when to escalate.</summary>
public sealed record NoticePolicy
{
    /// <summary>Project Arachnid's rhythm: every 24 hours, escalate after 3 notices.</summary>
    public static NoticePolicy Default { get; } = new();

    /// <summary>Time between notices while the content stays up.</summary>
    public TimeSpan RenotifyInterval { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Notices sent after which the next step is the police.</summary>
    public int EscalateAfterNotices { get; init; } = 3;
}

/// <summary>The notice history of one item (one URL), as the rules need it.</summary>
public sealed record NoticeState
{
    /// <summary>The current status.</summary>
    public NoticeStatus Status { get; init; } = NoticeStatus.New;

    /// <summary>Notices sent to the host so far.</summary>
    public int NoticesSent { get; init; }

    /// <summary>When the first notice was sent.</summary>
    public DateTimeOffset? FirstNoticeAt { get; init; }

    /// <summary>When the last notice was sent.</summary>
    public DateTimeOffset? LastNoticeAt { get; init; }

    /// <summary>When removal was verified.</summary>
    public DateTimeOffset? RemovedAt { get; init; }

    /// <summary>Re-checks done.</summary>
    public int Rechecks { get; init; }
}

/// <summary>The notice state machine: allowed transitions, notices, re-checks, re-notification and escalation.</summary>
public static class NoticeRules
{
    /// <summary>True when nothing more happens to an item in this status.</summary>
    public static bool IsFinal(NoticeStatus status) => status is NoticeStatus.Removed or NoticeStatus.NotIllegal or NoticeStatus.Moved;

    /// <summary>Whether an analyst or the loop may move an item from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(NoticeStatus from, NoticeStatus to) => (from, to) switch
    {
        (NoticeStatus.New, NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.NotIllegal or NoticeStatus.Unavailable) => true,
        (NoticeStatus.Unavailable, NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.Removed) => true,
        (NoticeStatus.ReferredToHost, NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.Removed or NoticeStatus.Moved) => true,
        (NoticeStatus.ReferredToPolice, NoticeStatus.ReferredToPolice or NoticeStatus.Removed or NoticeStatus.Moved) => true,
        _ => false,
    };

    /// <summary>Records a notice sent at <paramref name="at"/> (first or repeated).</summary>
    /// <exception cref="InvalidOperationException">The item is in a final status.</exception>
    public static NoticeState NoticeSent(NoticeState state, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        var to = state.Status == NoticeStatus.ReferredToPolice ? NoticeStatus.ReferredToPolice : NoticeStatus.ReferredToHost;
        Require(state.Status, to);
        return state with
        {
            Status = to,
            NoticesSent = state.NoticesSent + 1,
            FirstNoticeAt = state.FirstNoticeAt ?? at,
            LastNoticeAt = at,
        };
    }

    /// <summary>Records an escalation to the police.</summary>
    public static NoticeState Escalated(NoticeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Require(state.Status, NoticeStatus.ReferredToPolice);
        return state with { Status = NoticeStatus.ReferredToPolice };
    }

    /// <summary>
    /// Applies a re-check: gone or changed content is removed (the matched content is no longer at
    /// the URL) with the time of the check; content still there keeps the status.
    /// </summary>
    public static NoticeState Rechecked(NoticeState state, RecheckOutcome outcome, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (IsFinal(state.Status))
        {
            return state with { Rechecks = state.Rechecks + 1 };
        }

        if (outcome == RecheckOutcome.StillThere)
        {
            return state with { Rechecks = state.Rechecks + 1 };
        }

        Require(state.Status, NoticeStatus.Removed);
        return state with { Status = NoticeStatus.Removed, RemovedAt = at, Rechecks = state.Rechecks + 1 };
    }

    /// <summary>What to do at <paramref name="now"/>: nothing until the interval since the last notice has passed.</summary>
    public static NoticeAction NextAction(NoticeState state, DateTimeOffset now, NoticePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(policy);
        if (state.Status is not (NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice) || state.LastNoticeAt is not { } last || now - last < policy.RenotifyInterval)
        {
            return NoticeAction.None;
        }

        return state.Status == NoticeStatus.ReferredToHost && state.NoticesSent >= policy.EscalateAfterNotices
            ? NoticeAction.RecheckAndEscalate
            : NoticeAction.RecheckAndRenotify;
    }

    /// <summary>Time from the first notice to verified removal; null until both happened.</summary>
    public static TimeSpan? TimeToRemoval(NoticeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state is { FirstNoticeAt: { } first, RemovedAt: { } removed } ? removed - first : null;
    }

    private static void Require(NoticeStatus from, NoticeStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidOperationException($"A notice cannot go from {from} to {to}.");
        }
    }
}
