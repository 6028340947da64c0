using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Haechi.Core.Audit;

/// <summary>One line of the audit log: who did what to which subject, when.</summary>
/// <param name="Sequence">1, 2, 3, ... with no gaps.</param>
/// <param name="At">When it happened (UTC).</param>
/// <param name="Actor">Who: a user id, "victim", "public", "system" (never a name or an email).</param>
/// <param name="Action">What: e.g. <c>case.registered</c>, <c>case.withdrawn</c>, <c>report.submitted</c>, <c>content.revealed</c>.</param>
/// <param name="Subject">Which thing: a case number, a receipt, an item id.</param>
/// <param name="Detail">Counts or a reason code; never content.</param>
public sealed record AuditEvent(long Sequence, DateTimeOffset At, string Actor, string Action, string Subject, string Detail);

/// <summary>
/// The hash chain of the audit log: each entry's hash is SHA-256 over the previous entry's hash and
/// the entry's fields, so editing, deleting, inserting or reordering any entry changes every hash
/// after it, and <see cref="Verify"/> finds the first entry that does not fit.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> Genesis => new byte[32];

    /// <summary>The hash of <paramref name="entry"/> chained to <paramref name="previousHash"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> previousHash, AuditEvent entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (previousHash.Length != 32)
        {
            ThrowHelper.ThrowArgument(nameof(previousHash), "An audit hash is 32 bytes.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(previousHash);
        Span<byte> number = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(number, entry.Sequence);
        hash.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, entry.At.UtcTicks);
        hash.AppendData(number);
        AppendField(hash, entry.Actor);
        AppendField(hash, entry.Action);
        AppendField(hash, entry.Subject);
        AppendField(hash, entry.Detail);
        return hash.GetHashAndReset();
    }

    // Length-prefixed UTF-8, so no two different field lists hash the same bytes.
    private static void AppendField(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    /// <summary>
    /// Checks stored entries (in sequence order, each with the hash stored beside it): returns null
    /// when the chain is intact, else the sequence number of the first entry that is missing,
    /// out of order, or whose stored hash does not match.
    /// </summary>
    public static AuditBreak? Verify(IEnumerable<(AuditEvent Entry, byte[] StoredHash)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var previous = Genesis.ToArray();
        var expectedSequence = 1L;
        foreach (var (entry, stored) in entries)
        {
            if (entry.Sequence != expectedSequence)
            {
                return new AuditBreak(expectedSequence, entry.Sequence < expectedSequence ? "an entry is duplicated or out of order" : "an entry is missing");
            }

            var computed = Hash(previous, entry);
            if (!CryptographicOperations.FixedTimeEquals(computed, stored))
            {
                return new AuditBreak(entry.Sequence, "the entry or an earlier one was changed");
            }

            previous = computed;
            expectedSequence++;
        }

        return null;
    }
}

/// <summary>Where and why an audit chain breaks.</summary>
/// <param name="Sequence">The first sequence number that does not verify.</param>
/// <param name="Reason">What is wrong there.</param>
public sealed record AuditBreak(long Sequence, string Reason);
