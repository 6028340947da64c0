using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Review;

/// <summary>The <c>evidence</c> table: sealed evidence and its sealed preview.</summary>
internal sealed class EvidenceConfiguration : IEntityTypeConfiguration<EvidenceRecord>
{
    public void Configure(EntityTypeBuilder<EvidenceRecord> builder)
    {
        builder.ToTable("evidence");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.ContentType).HasMaxLength(64).IsRequired();
        builder.Property(x => x.Sealed).IsRequired();
        builder.Property(x => x.SealedPreview).IsRequired();
        builder.HasIndex(x => x.ReportId);
    }
}
