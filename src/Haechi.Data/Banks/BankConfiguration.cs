using Haechi.Core.Banks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Banks;

/// <summary>The <c>banks</c> table: named sets of signals of one type.</summary>
internal sealed class BankConfiguration : IEntityTypeConfiguration<BankRecord>
{
    public void Configure(EntityTypeBuilder<BankRecord> builder)
    {
        builder.ToTable("banks");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Name).HasMaxLength(BankRules.MaxNameLength).IsRequired();
        builder.HasIndex(b => b.Name).IsUnique();
        builder.Property(b => b.Description).HasMaxLength(1000);
        builder.Property(b => b.SignalType).HasMaxLength(32).IsRequired();
        builder.Property(b => b.EmbeddingModel).HasMaxLength(200);
        builder.HasMany(b => b.Entries).WithOne(e => e.Bank).HasForeignKey(e => e.BankId).OnDelete(DeleteBehavior.Cascade);
    }
}
