using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Cases;

/// <summary>The <c>case_events</c> table: a case's history.</summary>
internal sealed class CaseEventConfiguration : IEntityTypeConfiguration<CaseEventRecord>
{
    public void Configure(EntityTypeBuilder<CaseEventRecord> builder)
    {
        builder.ToTable("case_events");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Kind).HasConversion<int>();
        builder.HasIndex(x => x.CaseId);
    }
}
