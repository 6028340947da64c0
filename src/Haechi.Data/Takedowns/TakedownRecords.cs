using Haechi.Core.Takedowns;

namespace Haechi.Data.Takedowns;

/// <summary>How a notice reaches a host.</summary>
public enum NoticeChannel
{
    /// <summary>SMTP mail to the contact's abuse address.</summary>
    Email = 0,

    /// <summary>JSON POST to the contact's webhook, signed with HMAC-SHA256.</summary>
    Webhook = 1,
}

/// <summary>Where a notice's delivery stands.</summary>
public enum NoticeDelivery
{
    /// <summary>Not delivered yet; the loop tries (again) at <see cref="TakedownNoticeRecord.NextAttemptAt"/>.</summary>
    Pending = 0,

    /// <summary>Accepted by the SMTP server or the webhook (2xx).</summary>
    Sent = 1,

    /// <summary>Gave up after the configured number of attempts.</summary>
    Failed = 2,
}

/// <summary>A host's or platform's abuse contact. Hosts are matched against noticed URLs (a domain matches its subdomains).</summary>
public sealed class PlatformContactRecord
{
    public long Id { get; set; }

    /// <summary>Platform or host name shown to analysts and used for statistics per platform.</summary>
    public required string Name { get; set; }

    /// <summary>Domains served by this contact, one per line, lower case.</summary>
    public required string Hosts { get; set; }

    public string? Email { get; set; }

    /// <summary>The host's own web form (analysts file by hand there; recorded, not automated).</summary>
    public string? WebFormUrl { get; set; }

    public string? WebhookUrl { get; set; }

    /// <summary>Shared secret for the webhook's HMAC-SHA256 signature.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Language of the notice: <c>ko</c> or <c>en</c>.</summary>
    public required string Language { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One URL under notice: its fingerprints (never the content), its status in the Core state machine and its times.</summary>
public sealed class NoticedItemRecord
{
    public long Id { get; set; }

    public required string Url { get; set; }

    /// <summary>The URL's host, lower case (statistics per host).</summary>
    public required string Host { get; set; }

    /// <summary>The page or Telegram post that showed the content, when it is not <see cref="Url"/>; the notice names it too.</summary>
    public string? PageUrl { get; set; }

    /// <summary>PDQ of the confirmed content, big-endian (32 bytes); re-checks compare against it.</summary>
    public byte[]? Pdq { get; set; }

    /// <summary>SHA-256 of the confirmed content (32 bytes), if known.</summary>
    public byte[]? Sha256 { get; set; }

    /// <summary>The confirmed review item it came from.</summary>
    public long ReviewItemId { get; set; }

    /// <summary>The victim's case when the item matched her registered photos.</summary>
    public long? CaseId { get; set; }

    public long ContactId { get; set; }

    public NoticeStatus Status { get; set; }

    public int NoticesSent { get; set; }

    public int Rechecks { get; set; }

    /// <summary>When Haechi first saw the content (the review item's creation).</summary>
    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset? FirstNoticeAt { get; set; }

    public DateTimeOffset? LastNoticeAt { get; set; }

    public DateTimeOffset? RemovedAt { get; set; }

    public DateTimeOffset? EscalatedAt { get; set; }

    public DateTimeOffset? LastCheckedAt { get; set; }

    /// <summary>
    /// Flagged for an analyst's second look: the host answered "not illegal", or a re-check found
    /// content the host called unavailable still there. Cleared by the analyst's second look.
    /// </summary>
    public bool SecondLook { get; set; }

    /// <summary>The noticed item whose host said the content moved here; null for an item noticed from its review item.</summary>
    public long? MovedFromId { get; set; }
}

/// <summary>One notice (a message to one contact listing one or more items) and its delivery.</summary>
public sealed class TakedownNoticeRecord
{
    public long Id { get; set; }

    public long ContactId { get; set; }

    public NoticeChannel Channel { get; set; }

    public required string Language { get; set; }

    /// <summary>1 for the first notice of its items, 2.. for re-notices.</summary>
    public int Round { get; set; }

    public bool Escalated { get; set; }

    public required string Subject { get; set; }

    /// <summary>The text sent (URLs, fingerprints, timestamps and legal basis; never content).</summary>
    public required string Body { get; set; }

    public NoticeDelivery Delivery { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>SMTP Message-Id or the webhook's delivery id.</summary>
    public string? MessageId { get; set; }

    /// <summary>Short code of the last failure (e.g. <c>smtp-connect</c>, <c>http-503</c>); no free text.</summary>
    public string? LastError { get; set; }

    /// <summary>User id of the analyst who sent it; null for the re-notify loop.</summary>
    public string? SentBy { get; set; }
}

/// <summary>Which items a notice listed.</summary>
public sealed class TakedownNoticeItemRecord
{
    public long NoticeId { get; set; }

    public long NoticedItemId { get; set; }
}

/// <summary>One re-check of a noticed URL: what the fetch found.</summary>
public sealed class RecheckRecord
{
    public long Id { get; set; }

    public long NoticedItemId { get; set; }

    public DateTimeOffset CheckedAt { get; set; }

    /// <summary>Gone / still there / changed; null when the fetch failed transiently (unknown).</summary>
    public RecheckOutcome? Outcome { get; set; }

    /// <summary>The fetch status (<c>Ok</c>, <c>HttpStatus</c>, <c>Timeout</c>...).</summary>
    public required string Fetch { get; set; }

    public int? HttpStatus { get; set; }

    /// <summary>PDQ distance to the noticed hash, when an image was fingerprinted.</summary>
    public int? Distance { get; set; }
}

/// <summary>
/// A host's or platform's answer to a notice, as an analyst recorded it (durable; never content: the
/// host's own short reason or a note).
/// </summary>
public sealed class HostReplyRecord
{
    /// <summary>Longest reply text kept.</summary>
    public const int MaxTextLength = 1000;

    public long Id { get; set; }

    public long NoticedItemId { get; set; }

    public HostReply Kind { get; set; }

    /// <summary>The host's reason ("not illegal"), or the analyst's note; plain text, rendered as text.</summary>
    public string? Text { get; set; }

    /// <summary>For <see cref="HostReply.Moved"/>: the new URL's own noticed item.</summary>
    public long? MovedToItemId { get; set; }

    /// <summary>User id of the analyst who recorded it (pages show the user's name).</summary>
    public required string RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// A referral to the police: created in the same transaction as an analyst's "needs police"
/// decision, or by the notice loop when it escalates a noticed item (once per item). Investigators
/// download its evidence package and accept or close it on <c>/police</c>.
/// </summary>
public sealed class PoliceReferralRecord
{
    public long Id { get; set; }

    public long ReviewItemId { get; set; }

    /// <summary>The escalated noticed item; null for a referral from a review decision.</summary>
    public long? NoticedItemId { get; set; }

    /// <summary>The victim's case when the content matched her registered photos.</summary>
    public long? CaseId { get; set; }

    public PoliceReferralOrigin Origin { get; set; }

    /// <summary>User id of the deciding analyst, or <c>system:notice-loop</c> for an escalation.</summary>
    public required string DecidedBy { get; set; }

    /// <summary>The decision's reason, or the escalation's (notices sent, no removal); never content.</summary>
    public required string Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public PoliceReferralStatus Status { get; set; }

    /// <summary>User id of whoever last accepted or closed it.</summary>
    public string? UpdatedBy { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }
}
