using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Banks;

/// <summary>The <c>bank_entry_frames</c> table: the frame hashes of a video entry.</summary>
internal sealed class BankEntryFrameConfiguration : IEntityTypeConfiguration<BankEntryFrameRecord>
{
    public void Configure(EntityTypeBuilder<BankEntryFrameRecord> builder)
    {
        builder.ToTable("bank_entry_frames");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Signal).HasMaxLength(32).IsRequired();
        builder.HasIndex(f => f.EntryId);
    }
}
