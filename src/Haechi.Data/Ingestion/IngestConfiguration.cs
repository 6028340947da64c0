using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Ingestion;

/// <summary>Tables of the ingestion pipeline: items, their sealed content and the exact-digest register.</summary>
internal static class IngestConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<IngestItemRecord>(i =>
        {
            i.ToTable("ingest_items");
            i.HasKey(x => x.Id);
            i.Property(x => x.SourceKind).HasMaxLength(32).IsRequired();
            i.Property(x => x.SourceId).HasMaxLength(200).IsRequired();
            i.Property(x => x.Url).HasMaxLength(4096);
            i.Property(x => x.FilePath).HasMaxLength(4096);
            // A step saves only while the item is still in the state and lease it read (optimistic concurrency).
            i.Property(x => x.State).HasConversion<int>().IsConcurrencyToken();
            i.Property(x => x.FailedIn).HasConversion<int?>();
            i.Property(x => x.LastError).HasMaxLength(64);
            i.Property(x => x.LeaseOwner).HasMaxLength(64).IsConcurrencyToken();
            i.Property(x => x.ContentKind).HasMaxLength(16);
            i.Property(x => x.Sha256).HasMaxLength(32);
            i.Property(x => x.Pdq).HasMaxLength(32);
            i.Property(x => x.Signal).HasMaxLength(16);
            i.HasIndex(x => new { x.SourceKind, x.SourceId }).IsUnique();
            i.HasIndex(x => new { x.State, x.LeaseUntil, x.Id });
        });
        modelBuilder.Entity<IngestContentRecord>(c =>
        {
            c.ToTable("ingest_contents");
            c.HasKey(x => x.ItemId);
            c.Property(x => x.ItemId).ValueGeneratedNever();
            c.Property(x => x.Sealed).IsRequired();
        });
        modelBuilder.Entity<IngestDigestRecord>(d =>
        {
            d.ToTable("ingest_digests");
            d.HasKey(x => x.Sha256);
            d.Property(x => x.Sha256).HasMaxLength(32);
        });
    }
}
