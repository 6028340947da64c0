using Haechi.Core.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Review;

/// <summary>The <c>review_items</c> table: the review queue, with its signal and priority columns and the index of its order.</summary>
internal sealed class ReviewItemConfiguration : IEntityTypeConfiguration<ReviewItemRecord>
{
    public void Configure(EntityTypeBuilder<ReviewItemRecord> builder)
    {
        builder.ToTable("review_items");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Kind).HasConversion<int>();
        builder.Property(x => x.Status).HasConversion<int>();
        builder.Property(x => x.Decision).HasConversion<int?>();
        builder.Property(x => x.SourceId).HasMaxLength(64).IsRequired();
        builder.Property(x => x.Sha256).HasMaxLength(32);
        builder.Property(x => x.Md5).HasMaxLength(16);
        builder.Property(x => x.Pdq).HasMaxLength(32);
        builder.Property(x => x.Url).HasMaxLength(2048);
        builder.Property(x => x.PageUrl).HasMaxLength(2048);
        builder.Property(x => x.Reason).HasMaxLength(ReviewRules.MaxReasonLength);
        builder.Property(x => x.DecidedBy).HasMaxLength(64);
        builder.Property(x => x.Signal).HasMaxLength(16);
        builder.HasIndex(x => new { x.Status, x.PossibleMinor, x.MatchStrength, x.NudityScore, x.Id });
        builder.HasIndex(x => new { x.Status, x.PossibleMinor, x.Priority, x.Id });
        builder.HasIndex(x => x.Sha256);
        builder.HasIndex(x => x.Md5);
        builder.HasIndex(x => new { x.Kind, x.SourceId });
    }
}
