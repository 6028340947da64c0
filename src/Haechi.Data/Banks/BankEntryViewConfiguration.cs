using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Banks;

/// <summary>The <c>bank_entry_views</c> table: extra PDQ views of an entry.</summary>
internal sealed class BankEntryViewConfiguration : IEntityTypeConfiguration<BankEntryViewRecord>
{
    public void Configure(EntityTypeBuilder<BankEntryViewRecord> builder)
    {
        builder.ToTable("bank_entry_views");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Signal).HasMaxLength(32).IsRequired();
        builder.HasIndex(v => v.EntryId);
    }
}
