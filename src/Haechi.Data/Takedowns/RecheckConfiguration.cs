using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Takedowns;

/// <summary>The <c>rechecks</c> table: visits that check whether noticed content is gone.</summary>
internal sealed class RecheckConfiguration : IEntityTypeConfiguration<RecheckRecord>
{
    public void Configure(EntityTypeBuilder<RecheckRecord> builder)
    {
        builder.ToTable("rechecks");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Outcome).HasConversion<int?>();
        builder.Property(x => x.Fetch).HasMaxLength(32).IsRequired();
        builder.HasIndex(x => x.NoticedItemId);
        builder.HasOne<NoticedItemRecord>().WithMany().HasForeignKey(x => x.NoticedItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
