using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Takedowns;

/// <summary>The <c>noticed_items</c> table: content a notice asked a host to remove.</summary>
internal sealed class NoticedItemConfiguration : IEntityTypeConfiguration<NoticedItemRecord>
{
    /// <summary>Longest URL the takedown tables keep (noticed items, contacts' web forms and webhooks).</summary>
    public const int MaxUrlLength = 2048;

    public void Configure(EntityTypeBuilder<NoticedItemRecord> builder)
    {
        builder.ToTable("noticed_items");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Url).HasMaxLength(MaxUrlLength).IsRequired();
        builder.Property(x => x.PageUrl).HasMaxLength(MaxUrlLength);
        builder.Property(x => x.Host).HasMaxLength(255).IsRequired();
        builder.Property(x => x.Pdq).HasMaxLength(32);
        builder.Property(x => x.Sha256).HasMaxLength(32);
        builder.Property(x => x.Status).HasConversion<int>();
        builder.HasIndex(x => new { x.ReviewItemId, x.Url }).IsUnique();
        builder.HasIndex(x => new { x.Status, x.LastNoticeAt });
        builder.HasIndex(x => x.CaseId);
        builder.HasOne<PlatformContactRecord>().WithMany().HasForeignKey(x => x.ContactId).OnDelete(DeleteBehavior.Restrict);
    }
}
