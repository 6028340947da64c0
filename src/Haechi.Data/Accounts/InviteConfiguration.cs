using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Accounts;

/// <summary>The <c>invites</c> table: one-time invitations (only the token's SHA-256 is stored).</summary>
internal sealed class InviteConfiguration : IEntityTypeConfiguration<InviteRecord>
{
    public void Configure(EntityTypeBuilder<InviteRecord> builder)
    {
        builder.ToTable("invites");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.TokenHash).HasMaxLength(32).IsRequired();
        builder.HasIndex(x => x.TokenHash).IsUnique();
        builder.Property(x => x.Role).HasMaxLength(32).IsRequired();
        builder.Property(x => x.CreatedBy).HasMaxLength(64).IsRequired();
        builder.Property(x => x.UsedBy).HasMaxLength(64);
    }
}
