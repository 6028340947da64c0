using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Review;

/// <summary>The <c>report_attachments</c> table (see <see cref="ReportAttachmentRecord"/>).</summary>
internal sealed class ReportAttachmentConfiguration : IEntityTypeConfiguration<ReportAttachmentRecord>
{
    public void Configure(EntityTypeBuilder<ReportAttachmentRecord> builder)
    {
        builder.ToTable("report_attachments");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Kind).HasMaxLength(32).IsRequired();
        builder.Property(x => x.Status).HasMaxLength(32).IsRequired();
        builder.HasIndex(x => x.ReportId);
    }
}
