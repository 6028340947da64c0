namespace Haechi.Data.Audit;

/// <summary>A row of the hash-chained audit log (append-only; <c>haechi audit verify</c> detects any edit).</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    public long Sequence { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Subject { get; set; }

    public required string Detail { get; set; }

    /// <summary>SHA-256 over the previous entry's hash and this entry's fields.</summary>
    public required byte[] Hash { get; set; }
}
