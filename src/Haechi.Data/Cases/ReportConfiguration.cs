using Haechi.Core.Cases;
using Haechi.Core.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Cases;

/// <summary>The <c>reports</c> table: what a person sent in.</summary>
internal sealed class ReportConfiguration : IEntityTypeConfiguration<ReportRecord>
{
    public void Configure(EntityTypeBuilder<ReportRecord> builder)
    {
        builder.ToTable("reports");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Receipt).HasMaxLength(ReceiptNumber.Length).IsRequired();
        builder.HasIndex(x => x.Receipt).IsUnique();
        builder.Property(x => x.Urls).HasMaxLength(ReportRules.MaxUrls * (ReportRules.MaxUrlLength + 1)).IsRequired();
        builder.Property(x => x.Platform).HasConversion<int>();
        builder.Property(x => x.Channel).HasMaxLength(ReportRules.MaxChannelLength);
        builder.Property(x => x.Description).HasMaxLength(ReportRules.MaxDescriptionLength);
        builder.Property(x => x.Contact).HasMaxLength(ReportRules.MaxContactLength);
        builder.Property(x => x.Intake).HasMaxLength(16).IsRequired();
        builder.Property(x => x.Priority).HasConversion<int>();
        builder.HasIndex(x => new { x.Priority, x.CreatedAt });
    }
}
