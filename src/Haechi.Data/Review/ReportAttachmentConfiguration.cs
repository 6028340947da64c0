using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Review;

/// <summary>The <c>report_attachments</c> table (see <see cref="ReportAttachmentRecord"/>).</summary>
internal static class ReportAttachmentConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ReportAttachmentRecord>(a =>
        {
            a.ToTable("report_attachments");
            a.HasKey(x => x.Id);
            a.Property(x => x.Kind).HasMaxLength(32).IsRequired();
            a.Property(x => x.Status).HasMaxLength(32).IsRequired();
            a.HasIndex(x => x.ReportId);
        });
    }
}
