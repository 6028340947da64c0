using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Audit;

/// <summary>The <c>audit_entries</c> table: the hash-chained audit log.</summary>
internal sealed class AuditConfiguration : IEntityTypeConfiguration<AuditRecord>
{
    public void Configure(EntityTypeBuilder<AuditRecord> builder)
    {
        builder.ToTable("audit_entries");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.Sequence).IsUnique();
        builder.Property(a => a.Actor).HasMaxLength(AuditLog.MaxFieldLength);
        builder.Property(a => a.Action).HasMaxLength(AuditLog.MaxFieldLength);
        builder.Property(a => a.Subject).HasMaxLength(AuditLog.MaxFieldLength);
        builder.Property(a => a.Detail).HasMaxLength(AuditLog.MaxDetailLength);
        builder.Property(a => a.Hash).HasMaxLength(32);
    }
}
