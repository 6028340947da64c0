using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Takedowns;

/// <summary>The <c>host_replies</c> table: hosts' answers to notices, recorded by analysts.</summary>
internal sealed class HostReplyConfiguration : IEntityTypeConfiguration<HostReplyRecord>
{
    public void Configure(EntityTypeBuilder<HostReplyRecord> builder)
    {
        builder.ToTable("host_replies");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Kind).HasConversion<int>();
        builder.Property(x => x.Text).HasMaxLength(HostReplyRecord.MaxTextLength);
        builder.Property(x => x.RecordedBy).HasMaxLength(64).IsRequired();
        builder.HasIndex(x => x.NoticedItemId);
        builder.HasOne<NoticedItemRecord>().WithMany().HasForeignKey(x => x.NoticedItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
