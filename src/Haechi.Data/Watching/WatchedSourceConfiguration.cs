using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Watching;

/// <summary>The <c>watched_sources</c> table of the web watcher connector.</summary>
internal static class WatchedSourceConfiguration
{
    public const int MaxUrlLength = 2048;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<WatchedSourceRecord>(s =>
        {
            s.ToTable("watched_sources");
            s.HasKey(x => x.Id);
            s.Property(x => x.Url).HasMaxLength(MaxUrlLength).IsRequired();
            s.Property(x => x.LastError).HasMaxLength(64);
            s.HasIndex(x => x.Url).IsUnique();
            s.HasIndex(x => new { x.Enabled, x.NextVisitAt });
        });
    }
}
