using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Banks;

/// <summary>What happened to a bank entry.</summary>
public enum BankChangeKind
{
    /// <summary>The entry was added: it matches from now on.</summary>
    Added = 0,

    /// <summary>The entry was withdrawn: it never matches again.</summary>
    Withdrawn = 1,

    /// <summary>
    /// The horizon of a pruned log: every change before this row was deleted (see
    /// <see cref="BankChangeLog.PruneAsync"/>). An index whose checkpoint is older than it cannot catch
    /// up from the log and is rebuilt from the rows. The row keeps the log's highest id in place, so ids never repeat.
    /// </summary>
    Pruned = 2,
}

/// <summary>
/// One row of the bank change log: written in the same transaction as the entry it records, in
/// commit order (ids increase with commits), so an index host that remembers the last change it
/// applied stays current by reading the changes after it, whichever process made them.
/// </summary>
public sealed class BankChangeRecord
{
    /// <summary>Change id, increasing in commit order: an index's checkpoint.</summary>
    public long Id { get; set; }

    /// <summary>The entry added or withdrawn.</summary>
    public long EntryId { get; set; }

    /// <summary>Its bank.</summary>
    public int BankId { get; set; }

    /// <summary>Added or withdrawn.</summary>
    public BankChangeKind Kind { get; set; }

    /// <summary>When it committed (the writer's clock).</summary>
    public DateTimeOffset At { get; set; }
}

/// <summary>The <c>bank_changes</c> table.</summary>
internal sealed class BankChangeConfiguration : IEntityTypeConfiguration<BankChangeRecord>
{
    public void Configure(EntityTypeBuilder<BankChangeRecord> builder)
    {
        builder.ToTable("bank_changes");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Kind).HasConversion<int>();
    }
}
