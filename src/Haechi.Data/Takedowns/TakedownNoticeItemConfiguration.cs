using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Takedowns;

/// <summary>The <c>takedown_notice_items</c> table: which noticed items a notice named.</summary>
internal sealed class TakedownNoticeItemConfiguration : IEntityTypeConfiguration<TakedownNoticeItemRecord>
{
    public void Configure(EntityTypeBuilder<TakedownNoticeItemRecord> builder)
    {
        builder.ToTable("takedown_notice_items");
        builder.HasKey(x => new { x.NoticeId, x.NoticedItemId });
        builder.HasIndex(x => x.NoticedItemId);
        builder.HasOne<TakedownNoticeRecord>().WithMany().HasForeignKey(x => x.NoticeId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<NoticedItemRecord>().WithMany().HasForeignKey(x => x.NoticedItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
