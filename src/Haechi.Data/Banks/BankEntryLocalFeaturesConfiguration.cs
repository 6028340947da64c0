using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Banks;

/// <summary>The <c>bank_entry_local_features</c> table: one row per image entry of a bank that keeps local features.</summary>
internal sealed class BankEntryLocalFeaturesConfiguration : IEntityTypeConfiguration<BankEntryLocalFeaturesRecord>
{
    /// <summary>Largest blob: 176 keypoints × 36 bytes, rounded up.</summary>
    public const int MaxBytes = 8192;

    public void Configure(EntityTypeBuilder<BankEntryLocalFeaturesRecord> builder)
    {
        builder.ToTable("bank_entry_local_features");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Features).HasMaxLength(MaxBytes).IsRequired();
        builder.HasIndex(x => x.EntryId).IsUnique();
        builder.HasOne<BankEntryRecord>().WithOne().HasForeignKey<BankEntryLocalFeaturesRecord>(x => x.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}
