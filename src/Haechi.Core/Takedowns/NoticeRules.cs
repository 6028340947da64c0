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

    /// <summary>
    /// The victim whose case it belonged to withdrew and asked that follow-ups stop: no more
    /// notices, re-checks or escalations (her link to it is erased).
    /// </summary>
    StoppedByVictim = 7,
}

/// <summary>What a host or platform answered to a notice, as an analyst records it. Stored as its number: never renumber.</summary>
public enum HostReply
{
    /// <summary>A free-text note (no change of status).</summary>
    Note = 0,

    /// <summary>The host says the content is unavailable: notices stop, the re-check keeps verifying.</summary>
    Unavailable = 1,

    /// <summary>The host says the content moved to another URL: that URL becomes its own noticed item.</summary>
    Moved = 2,

    /// <summary>The host says the content is not illegal: notices stop and an analyst takes a second look.</summary>
    NotIllegal = 3,

    /// <summary>The host says it removed the content: the next re-check verifies it (the status follows the re-check).</summary>
    RemovedByHost = 4,
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
    public static bool IsFinal(NoticeStatus status) => status is NoticeStatus.Removed or NoticeStatus.NotIllegal or NoticeStatus.Moved or NoticeStatus.StoppedByVictim;

    /// <summary>Whether an analyst or the loop may move an item from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(NoticeStatus from, NoticeStatus to) => (from, to) switch
    {
        (NoticeStatus.New, NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.NotIllegal or NoticeStatus.Unavailable) => true,
        (NoticeStatus.Unavailable, NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.Removed or NoticeStatus.Moved or NoticeStatus.NotIllegal) => true,
        (NoticeStatus.ReferredToHost, NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.Removed or NoticeStatus.Moved or NoticeStatus.Unavailable or NoticeStatus.NotIllegal) => true,
        (NoticeStatus.ReferredToPolice, NoticeStatus.ReferredToPolice or NoticeStatus.Removed or NoticeStatus.Moved or NoticeStatus.Unavailable or NoticeStatus.NotIllegal) => true,

        // An analyst's second look disagrees with the host's "not illegal": notices resume.
        (NoticeStatus.NotIllegal, NoticeStatus.ReferredToHost) => true,

        // Her withdrawal with "stop follow-ups" ends whatever was still running.
        (NoticeStatus.New or NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.Unavailable, NoticeStatus.StoppedByVictim) => true,
        _ => false,
    };

    /// <summary>
    /// Whether a notice may (still) be sent for an item in this status: never for content that is
    /// gone (removed, unavailable), elsewhere (moved) or answered as not illegal.
    /// </summary>
    public static bool AcceptsNotices(NoticeStatus status) => status is NoticeStatus.New or NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice;

    /// <summary>Whether the loop re-checks an item in this status: while notices run, and after the host said "unavailable" (to verify removal).</summary>
    public static bool IsRechecked(NoticeStatus status) => status is NoticeStatus.ReferredToHost or NoticeStatus.ReferredToPolice or NoticeStatus.Unavailable;

    /// <summary>
    /// Applies a host's reply: unavailable, moved and not illegal stop the notices (the status says
    /// why); removed-by-host and a note keep the status (removal is only believed after a re-check).
    /// </summary>
    /// <exception cref="InvalidOperationException">The reply does not fit the item's status (e.g. "moved" for removed content).</exception>
    public static NoticeState HostReplied(NoticeState state, HostReply reply)
    {
        ArgumentNullException.ThrowIfNull(state);
        NoticeStatus? to = reply switch
        {
            HostReply.Unavailable => NoticeStatus.Unavailable,
            HostReply.Moved => NoticeStatus.Moved,
            HostReply.NotIllegal => NoticeStatus.NotIllegal,
            HostReply.Note or HostReply.RemovedByHost => null,
            _ => throw new ArgumentOutOfRangeException(nameof(reply)),
        };
        if (to is not { } target)
        {
            return state;
        }

        Require(state.Status, target);
        return state with { Status = target };
    }

    /// <summary>
    /// An analyst's second look disagrees with the host ("not illegal", or "unavailable" while the
    /// re-check still finds the content): the item goes back to the host and notices resume.
    /// </summary>
    /// <exception cref="InvalidOperationException">The item is not in <see cref="NoticeStatus.NotIllegal"/> or <see cref="NoticeStatus.Unavailable"/>.</exception>
    public static NoticeState Disputed(NoticeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status is not (NoticeStatus.NotIllegal or NoticeStatus.Unavailable))
        {
            throw new InvalidOperationException($"Only a 'not illegal' or 'unavailable' answer can be disputed, not {state.Status}.");
        }

        return state with { Status = NoticeStatus.ReferredToHost };
    }

    /// <summary>Records a notice sent at <paramref name="at"/> (first or repeated).</summary>
    /// <exception cref="InvalidOperationException">The item does not accept notices (<see cref="AcceptsNotices"/>).</exception>
    public static NoticeState NoticeSent(NoticeState state, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!AcceptsNotices(state.Status))
        {
            throw new InvalidOperationException($"No notice is sent for an item that is {state.Status}.");
        }

        var to = state.Status == NoticeStatus.ReferredToPolice ? NoticeStatus.ReferredToPolice : NoticeStatus.ReferredToHost;
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
