using Haechi.Core.Banks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Banks;

/// <summary>The <c>bank_entries</c> table: one signal of a bank, with its labels and external id.</summary>
internal sealed class BankEntryConfiguration : IEntityTypeConfiguration<BankEntryRecord>
{
    public void Configure(EntityTypeBuilder<BankEntryRecord> builder)
    {
        builder.ToTable("bank_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Signal).HasMaxLength(64);
        builder.Property(e => e.ExternalId).HasMaxLength(BankRules.MaxExternalIdLength);
        builder.Property(e => e.Labels).HasMaxLength(BankRules.MaxLabels * (BankRules.MaxLabelLength + 1));
        builder.Property(e => e.State).HasConversion<int>();
        builder.HasIndex(e => new { e.BankId, e.ExternalId });
        builder.HasIndex(e => new { e.BankId, e.Signal });
        builder.HasMany(e => e.Frames).WithOne(f => f.Entry).HasForeignKey(f => f.EntryId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Views).WithOne(v => v.Entry).HasForeignKey(v => v.EntryId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(e => e.Embedding).WithOne(v => v.Entry).HasForeignKey<BankEntryEmbeddingRecord>(v => v.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}
