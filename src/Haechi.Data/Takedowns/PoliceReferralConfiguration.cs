using Haechi.Core.Takedowns;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Takedowns;

/// <summary>The <c>police_referrals</c> table: the police queue. One referral per escalated noticed item (unique).</summary>
internal sealed class PoliceReferralConfiguration : IEntityTypeConfiguration<PoliceReferralRecord>
{
    public void Configure(EntityTypeBuilder<PoliceReferralRecord> builder)
    {
        builder.ToTable("police_referrals");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Origin).HasConversion<int>();
        builder.Property(x => x.Status).HasConversion<int>();
        builder.Property(x => x.DecidedBy).HasMaxLength(64).IsRequired();
        builder.Property(x => x.Reason).HasMaxLength(PoliceReferralRules.MaxReasonLength).IsRequired();
        builder.Property(x => x.UpdatedBy).HasMaxLength(64);
        builder.HasIndex(x => x.ReviewItemId);
        builder.HasIndex(x => x.NoticedItemId).IsUnique();
        builder.HasIndex(x => new { x.Status, x.Id });
    }
}
