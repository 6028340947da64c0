using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Banks;

/// <summary>The <c>bank_entry_embeddings</c> table: a face embedding of an entry.</summary>
internal sealed class BankEntryEmbeddingConfiguration : IEntityTypeConfiguration<BankEntryEmbeddingRecord>
{
    public void Configure(EntityTypeBuilder<BankEntryEmbeddingRecord> builder)
    {
        builder.ToTable("bank_entry_embeddings");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Vector).HasMaxLength(16384).IsRequired();
    }
}
