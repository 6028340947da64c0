using Haechi.Core.Review;
using Haechi.Data.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Review;

/// <summary>Tables of accounts (Identity, renamed), invites, the review queue and encrypted evidence.</summary>
internal static class ReviewConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<HaechiUser>().ToTable("users");
        modelBuilder.Entity<IdentityRole>().ToTable("roles");
        modelBuilder.Entity<IdentityUserRole<string>>().ToTable("user_roles");
        modelBuilder.Entity<IdentityUserClaim<string>>().ToTable("user_claims");
        modelBuilder.Entity<IdentityUserLogin<string>>().ToTable("user_logins");
        modelBuilder.Entity<IdentityUserToken<string>>().ToTable("user_tokens");
        modelBuilder.Entity<IdentityRoleClaim<string>>().ToTable("role_claims");
        modelBuilder.Entity<InviteRecord>(i =>
        {
            i.ToTable("invites");
            i.HasKey(x => x.Id);
            i.Property(x => x.TokenHash).HasMaxLength(32).IsRequired();
            i.HasIndex(x => x.TokenHash).IsUnique();
            i.Property(x => x.Role).HasMaxLength(32).IsRequired();
            i.Property(x => x.CreatedBy).HasMaxLength(64).IsRequired();
            i.Property(x => x.UsedBy).HasMaxLength(64);
        });
        modelBuilder.Entity<ReviewItemRecord>(r =>
        {
            r.ToTable("review_items");
            r.HasKey(x => x.Id);
            r.Property(x => x.Kind).HasConversion<int>();
            r.Property(x => x.Status).HasConversion<int>();
            r.Property(x => x.Decision).HasConversion<int?>();
            r.Property(x => x.SourceId).HasMaxLength(64).IsRequired();
            r.Property(x => x.Sha256).HasMaxLength(32);
            r.Property(x => x.Md5).HasMaxLength(16);
            r.Property(x => x.Pdq).HasMaxLength(32);
            r.Property(x => x.Url).HasMaxLength(2048);
            r.Property(x => x.Reason).HasMaxLength(ReviewRules.MaxReasonLength);
            r.Property(x => x.DecidedBy).HasMaxLength(64);
            r.HasIndex(x => new { x.Status, x.PossibleMinor, x.MatchStrength, x.NudityScore, x.Id });
            r.HasIndex(x => x.Sha256);
            r.HasIndex(x => x.Md5);
            r.HasIndex(x => new { x.Kind, x.SourceId });
        });
        modelBuilder.Entity<EvidenceRecord>(e =>
        {
            e.ToTable("evidence");
            e.HasKey(x => x.Id);
            e.Property(x => x.ContentType).HasMaxLength(64).IsRequired();
            e.Property(x => x.Sealed).IsRequired();
            e.Property(x => x.SealedPreview).IsRequired();
            e.HasIndex(x => x.ReportId);
        });
    }
}
