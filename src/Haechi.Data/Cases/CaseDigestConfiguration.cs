using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Cases;

/// <summary>The <c>case_digests</c> table: the MD5 digests a case registered.</summary>
internal sealed class CaseDigestConfiguration : IEntityTypeConfiguration<CaseDigestRecord>
{
    public void Configure(EntityTypeBuilder<CaseDigestRecord> builder)
    {
        builder.ToTable("case_digests");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Md5).HasMaxLength(16).IsRequired();
        builder.HasIndex(x => new { x.CaseId, x.Md5 }).IsUnique();
        builder.HasIndex(x => x.Md5);
    }
}
