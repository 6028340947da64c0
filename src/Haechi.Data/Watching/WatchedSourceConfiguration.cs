using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Watching;

/// <summary>The <c>watched_sources</c> table of the web watcher connector.</summary>
internal sealed class WatchedSourceConfiguration : IEntityTypeConfiguration<WatchedSourceRecord>
{
    public const int MaxUrlLength = 2048;

    public void Configure(EntityTypeBuilder<WatchedSourceRecord> builder)
    {
        builder.ToTable("watched_sources");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Url).HasMaxLength(MaxUrlLength).IsRequired();
        builder.Property(x => x.LastError).HasMaxLength(64);
        builder.HasIndex(x => x.Url).IsUnique();
        builder.HasIndex(x => new { x.Enabled, x.NextVisitAt });
    }
}
