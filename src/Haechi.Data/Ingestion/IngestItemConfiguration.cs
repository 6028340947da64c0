using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Ingestion;

/// <summary>The <c>ingest_items</c> table: the ingestion queue.</summary>
internal sealed class IngestItemConfiguration : IEntityTypeConfiguration<IngestItemRecord>
{
    public void Configure(EntityTypeBuilder<IngestItemRecord> builder)
    {
        builder.ToTable("ingest_items");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.SourceKind).HasMaxLength(32).IsRequired();
        builder.Property(x => x.SourceId).HasMaxLength(200).IsRequired();
        builder.Property(x => x.Url).HasMaxLength(4096);
        builder.Property(x => x.PageUrl).HasMaxLength(4096);
        builder.Property(x => x.FilePath).HasMaxLength(4096);
        builder.Property(x => x.Link).HasMaxLength(4096);
        // A step saves only while the item is still in the state and lease it read (optimistic concurrency).
        builder.Property(x => x.State).HasConversion<int>().IsConcurrencyToken();
        builder.Property(x => x.FailedIn).HasConversion<int?>();
        builder.Property(x => x.LastError).HasMaxLength(64);
        builder.Property(x => x.LeaseOwner).HasMaxLength(64).IsConcurrencyToken();
        builder.Property(x => x.ContentKind).HasMaxLength(16);
        builder.Property(x => x.Sha256).HasMaxLength(32);
        builder.Property(x => x.Pdq).HasMaxLength(32);
        builder.Property(x => x.Signal).HasMaxLength(16);
        builder.HasIndex(x => new { x.SourceKind, x.SourceId }).IsUnique();
        builder.HasIndex(x => new { x.State, x.LeaseUntil, x.Id });
    }
}
