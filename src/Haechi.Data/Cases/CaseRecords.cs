using Haechi.Core.Cases;
using Haechi.Core.Reports;

namespace Haechi.Data.Cases;

/// <summary>A victim's case: opened with its number and PIN; holds no name, photo or contact.</summary>
public sealed class CaseRecord
{
    public long Id { get; set; }

    /// <summary>Canonical case number (<see cref="CaseNumber"/>).</summary>
    public required string CaseNumber { get; set; }

    /// <summary>PBKDF2-SHA256 of the PIN.</summary>
    public required byte[] PinHash { get; set; }

    public required byte[] PinSalt { get; set; }

    public int PinIterations { get; set; }

    /// <summary>
    /// Id of the server-side pepper the PIN hash was keyed with (the first 8 bytes of its SHA-256,
    /// hex); null for a hash made before peppers, rehashed when the PIN is next entered.
    /// </summary>
    public string? PinPepperId { get; set; }

    public CaseStatus Status { get; set; }

    /// <summary>The language the victim used (<c>ko</c> or <c>en</c>).</summary>
    public required string Language { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }

    /// <summary>Consecutive wrong PINs since the last right one.</summary>
    public int FailedPinAttempts { get; set; }

    /// <summary>No PIN is accepted before this time.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public List<CaseEventRecord> Events { get; } = [];

    public List<CaseDigestRecord> Digests { get; } = [];
}

/// <summary>One line of a case's history: what happened and how many signals it concerned.</summary>
public sealed class CaseEventRecord
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    public CaseEventKind Kind { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Signals the event concerned (added, withdrawn), else 0.</summary>
    public int SignalCount { get; set; }
}

/// <summary>An exact-copy fingerprint (MD5) of a victim's file, kept with the case; deleted on withdrawal.</summary>
public sealed class CaseDigestRecord
{
    public long Id { get; set; }

    public long CaseId { get; set; }

    /// <summary>16 bytes.</summary>
    public required byte[] Md5 { get; set; }
}

/// <summary>A public report of deepfake abuse content, anonymous unless a contact was given.</summary>
public sealed class ReportRecord
{
    public long Id { get; set; }

    /// <summary>Canonical receipt number (<see cref="ReceiptNumber"/>).</summary>
    public required string Receipt { get; set; }

    /// <summary>Links, one per line.</summary>
    public required string Urls { get; set; }

    public ReportPlatform Platform { get; set; }

    public string? Channel { get; set; }

    public string? Description { get; set; }

    public bool PossibleMinor { get; set; }

    public string? Contact { get; set; }

    /// <summary>Where the report came from (<c>web</c>, <c>api</c>).</summary>
    public required string Intake { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public ReportPriority Priority { get; set; }
}
