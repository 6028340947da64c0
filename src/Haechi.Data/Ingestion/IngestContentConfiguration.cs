using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Ingestion;

/// <summary>The <c>ingest_contents</c> table: an item's sealed content.</summary>
internal sealed class IngestContentConfiguration : IEntityTypeConfiguration<IngestContentRecord>
{
    public void Configure(EntityTypeBuilder<IngestContentRecord> builder)
    {
        builder.ToTable("ingest_contents");
        builder.HasKey(x => x.ItemId);
        builder.Property(x => x.ItemId).ValueGeneratedNever();
        builder.Property(x => x.Sealed).IsRequired();
    }
}
