using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Accounts;

/// <summary>The analysts' accounts: Identity's users table, renamed <c>users</c>.</summary>
internal sealed class HaechiUserConfiguration : IEntityTypeConfiguration<HaechiUser>
{
    public void Configure(EntityTypeBuilder<HaechiUser> builder)
    {
        builder.ToTable("users");
    }
}
