using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Review;

/// <summary>The review queue's signal and priority columns, and the index of its order.</summary>
internal static class ReviewPriorityConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReviewItemRecord>(r =>
        {
            r.Property(x => x.Signal).HasMaxLength(16);
            r.HasIndex(x => new { x.Status, x.PossibleMinor, x.Priority, x.Id });
        });
    }
}
