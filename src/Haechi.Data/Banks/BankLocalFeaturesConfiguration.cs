using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Banks;

/// <summary>The <c>bank_entry_local_features</c> table: one row per image entry of a bank that keeps local features.</summary>
internal static class BankLocalFeaturesConfiguration
{
    /// <summary>Largest blob: 176 keypoints × 36 bytes, rounded up.</summary>
    public const int MaxBytes = 8192;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BankEntryLocalFeaturesRecord>(local =>
        {
            local.ToTable("bank_entry_local_features");
            local.HasKey(x => x.Id);
            local.Property(x => x.Features).HasMaxLength(MaxBytes).IsRequired();
            local.HasIndex(x => x.EntryId).IsUnique();
            local.HasOne<BankEntryRecord>().WithOne().HasForeignKey<BankEntryLocalFeaturesRecord>(x => x.EntryId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
