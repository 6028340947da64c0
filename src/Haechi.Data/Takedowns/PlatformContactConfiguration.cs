using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Takedowns;

/// <summary>The <c>platform_contacts</c> table: where a host takes notices.</summary>
internal sealed class PlatformContactConfiguration : IEntityTypeConfiguration<PlatformContactRecord>
{
    public void Configure(EntityTypeBuilder<PlatformContactRecord> builder)
    {
        builder.ToTable("platform_contacts");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Name).HasMaxLength(200).IsRequired();
        builder.HasIndex(x => x.Name).IsUnique();
        builder.Property(x => x.Hosts).HasMaxLength(4000).IsRequired();
        builder.Property(x => x.Email).HasMaxLength(320);
        builder.Property(x => x.WebFormUrl).HasMaxLength(NoticedItemConfiguration.MaxUrlLength);
        builder.Property(x => x.WebhookUrl).HasMaxLength(NoticedItemConfiguration.MaxUrlLength);
        builder.Property(x => x.WebhookSecret).HasMaxLength(200);
        builder.Property(x => x.Language).HasMaxLength(8).IsRequired();
    }
}
