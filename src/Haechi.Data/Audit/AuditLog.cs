using System.Runtime.CompilerServices;
using Haechi.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Audit;

/// <summary>
/// Appends to and reads the hash-chained audit log in Haechi's store. An append joins the caller's
/// transaction when one is open, so an action and its audit entry commit together.
/// </summary>
public sealed class AuditLog(HaechiDbContext db, TimeProvider time)
{
    /// <summary>Longest actor, action or subject.</summary>
    public const int MaxFieldLength = 128;

    /// <summary>Longest detail.</summary>
    public const int MaxDetailLength = 512;

    /// <summary>Appends one entry chained to the last one and saves it.</summary>
    public async Task<AuditEvent> AppendAsync(string actor, string action, string subject, string detail, CancellationToken cancellationToken)
    {
        Check(actor, MaxFieldLength, nameof(actor));
        Check(action, MaxFieldLength, nameof(action));
        Check(subject, MaxFieldLength, nameof(subject));
        Check(detail, MaxDetailLength, nameof(detail));

        // Appends are serialised by the database: SQLite transactions here begin IMMEDIATE (one
        // writer at a time), PostgreSQL takes a transaction-scoped advisory lock. Either way the
        // next writer reads the last entry only after this one commits.
        var owned = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        await using var _ = owned;
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7420011)", cancellationToken).ConfigureAwait(false);
        }

        var last = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var entry = new AuditEvent((last?.Sequence ?? 0) + 1, time.GetUtcNow(), actor, action, subject, detail);
        var hash = AuditChain.Hash(last?.Hash ?? AuditChain.Genesis.ToArray(), entry);
        db.AuditEntries.Add(new AuditRecord
        {
            Sequence = entry.Sequence,
            At = entry.At,
            Actor = actor,
            Action = action,
            Subject = subject,
            Detail = detail,
            Hash = hash,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return entry;
    }

    private static void Check(string value, int max, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length > max)
        {
            throw new ArgumentOutOfRangeException(name, $"At most {max} characters.");
        }
    }

    /// <summary>Every entry in sequence order, with its stored hash.</summary>
    public async IAsyncEnumerable<(AuditEvent Entry, byte[] StoredHash)> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return (new AuditEvent(row.Sequence, row.At, row.Actor, row.Action, row.Subject, row.Detail), row.Hash);
        }
    }

    /// <summary>Verifies the whole chain: null when intact, else the first break.</summary>
    public async Task<(AuditBreak? Break, long Entries, byte[]? Head)> VerifyAsync(CancellationToken cancellationToken)
    {
        var entries = new List<(AuditEvent, byte[])>();
        await foreach (var entry in ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        return (AuditChain.Verify(entries), entries.Count, entries.Count == 0 ? null : entries[^1].Item2);
    }
}
