using Haechi.Core.Cases;
using Haechi.Core.Reports;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Cases;

/// <summary>Tables of cases, their history and digests, and reports.</summary>
internal static class CaseConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CaseRecord>(c =>
        {
            c.ToTable("cases");
            c.HasKey(x => x.Id);
            c.Property(x => x.CaseNumber).HasMaxLength(CaseNumber.Length).IsRequired();
            c.HasIndex(x => x.CaseNumber).IsUnique();
            c.Property(x => x.PinHash).HasMaxLength(64).IsRequired();
            c.Property(x => x.PinSalt).HasMaxLength(64).IsRequired();
            c.Property(x => x.Status).HasConversion<int>();
            c.Property(x => x.Language).HasMaxLength(8).IsRequired();
            c.HasMany(x => x.Events).WithOne().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.Cascade);
            c.HasMany(x => x.Digests).WithOne().HasForeignKey(d => d.CaseId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<CaseEventRecord>(e =>
        {
            e.ToTable("case_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasConversion<int>();
            e.HasIndex(x => x.CaseId);
        });
        modelBuilder.Entity<CaseDigestRecord>(d =>
        {
            d.ToTable("case_digests");
            d.HasKey(x => x.Id);
            d.Property(x => x.Md5).HasMaxLength(16).IsRequired();
            d.HasIndex(x => new { x.CaseId, x.Md5 }).IsUnique();
            d.HasIndex(x => x.Md5);
        });
        modelBuilder.Entity<ReportRecord>(r =>
        {
            r.ToTable("reports");
            r.HasKey(x => x.Id);
            r.Property(x => x.Receipt).HasMaxLength(ReceiptNumber.Length).IsRequired();
            r.HasIndex(x => x.Receipt).IsUnique();
            r.Property(x => x.Urls).HasMaxLength(ReportRules.MaxUrls * (ReportRules.MaxUrlLength + 1)).IsRequired();
            r.Property(x => x.Platform).HasConversion<int>();
            r.Property(x => x.Channel).HasMaxLength(ReportRules.MaxChannelLength);
            r.Property(x => x.Description).HasMaxLength(ReportRules.MaxDescriptionLength);
            r.Property(x => x.Contact).HasMaxLength(ReportRules.MaxContactLength);
            r.Property(x => x.Intake).HasMaxLength(16).IsRequired();
            r.Property(x => x.Priority).HasConversion<int>();
            r.HasIndex(x => new { x.Priority, x.CreatedAt });
        });
    }
}
