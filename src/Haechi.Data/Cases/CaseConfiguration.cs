using Haechi.Core.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Cases;

/// <summary>The <c>cases</c> table: victims' cases, with their history and digests.</summary>
internal sealed class CaseConfiguration : IEntityTypeConfiguration<CaseRecord>
{
    public void Configure(EntityTypeBuilder<CaseRecord> builder)
    {
        builder.ToTable("cases");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.CaseNumber).HasMaxLength(CaseNumber.Length).IsRequired();
        builder.HasIndex(x => x.CaseNumber).IsUnique();
        builder.Property(x => x.PinHash).HasMaxLength(64).IsRequired();
        builder.Property(x => x.PinSalt).HasMaxLength(64).IsRequired();
        builder.Property(x => x.PinPepperId).HasMaxLength(16);
        builder.Property(x => x.Status).HasConversion<int>();
        builder.Property(x => x.Language).HasMaxLength(8).IsRequired();
        builder.HasMany(x => x.Events).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(x => x.Digests).WithOne().HasForeignKey(d => d.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
