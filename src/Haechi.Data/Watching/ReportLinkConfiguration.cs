using Haechi.Core.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Watching;

/// <summary>The <c>report_links</c> table: the links of public reports the web watcher follows.</summary>
internal sealed class ReportLinkConfiguration : IEntityTypeConfiguration<ReportLinkRecord>
{
    public void Configure(EntityTypeBuilder<ReportLinkRecord> builder)
    {
        builder.ToTable("report_links");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Url).HasMaxLength(ReportRules.MaxUrlLength).IsRequired();
        builder.Property(x => x.LastError).HasMaxLength(64);
        builder.HasIndex(x => new { x.ReportId, x.Position }).IsUnique();
        builder.HasIndex(x => x.NextVisitAt);
    }
}
