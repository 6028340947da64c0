using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Ingestion;

/// <summary>The <c>ingest_digests</c> table: the exact-digest register.</summary>
internal sealed class IngestDigestConfiguration : IEntityTypeConfiguration<IngestDigestRecord>
{
    public void Configure(EntityTypeBuilder<IngestDigestRecord> builder)
    {
        builder.ToTable("ingest_digests");
        builder.HasKey(x => x.Sha256);
        builder.Property(x => x.Sha256).HasMaxLength(32);
    }
}
