using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Takedowns;

/// <summary>The <c>takedown_notices</c> table: notices and their delivery.</summary>
internal sealed class TakedownNoticeConfiguration : IEntityTypeConfiguration<TakedownNoticeRecord>
{
    public void Configure(EntityTypeBuilder<TakedownNoticeRecord> builder)
    {
        builder.ToTable("takedown_notices");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Channel).HasConversion<int>();
        builder.Property(x => x.Delivery).HasConversion<int>();
        builder.Property(x => x.Language).HasMaxLength(8).IsRequired();
        builder.Property(x => x.Subject).HasMaxLength(300).IsRequired();
        builder.Property(x => x.Body).IsRequired();
        builder.Property(x => x.MessageId).HasMaxLength(300);
        builder.Property(x => x.LastError).HasMaxLength(64);
        builder.Property(x => x.SentBy).HasMaxLength(64);
        builder.HasIndex(x => new { x.Delivery, x.NextAttemptAt });
        builder.HasOne<PlatformContactRecord>().WithMany().HasForeignKey(x => x.ContactId).OnDelete(DeleteBehavior.Restrict);
    }
}
