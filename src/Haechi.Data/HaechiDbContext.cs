using Haechi.Core.Banks;
using Haechi.Data.Accounts;
using Haechi.Data.Banks;
using Haechi.Data.Cases;
using Haechi.Data.Ingestion;
using Haechi.Data.Review;
using Haechi.Data.Takedowns;
using Haechi.Data.Telegram;
using Haechi.Data.Watching;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data;

/// <summary>
/// Haechi's system of record: SQLite by default, one file in the data directory. It also holds the
/// analysts' accounts (ASP.NET Core Identity stores, tables renamed to snake case).
/// </summary>
public sealed class HaechiDbContext(DbContextOptions<HaechiDbContext> options) : IdentityDbContext<HaechiUser>(options)
{
    public DbSet<BankRecord> Banks => Set<BankRecord>();

    public DbSet<BankEntryRecord> BankEntries => Set<BankEntryRecord>();

    public DbSet<BankEntryFrameRecord> BankEntryFrames => Set<BankEntryFrameRecord>();

    public DbSet<BankEntryViewRecord> BankEntryViews => Set<BankEntryViewRecord>();

    public DbSet<BankEntryEmbeddingRecord> BankEntryEmbeddings => Set<BankEntryEmbeddingRecord>();

    public DbSet<BankEntryLocalFeaturesRecord> BankEntryLocalFeatures => Set<BankEntryLocalFeaturesRecord>();

    /// <summary>The bank change log: every entry added or withdrawn, in commit order.</summary>
    public DbSet<BankChangeRecord> BankChanges => Set<BankChangeRecord>();

    public DbSet<Audit.AuditRecord> AuditEntries => Set<Audit.AuditRecord>();

    public DbSet<CaseRecord> Cases => Set<CaseRecord>();

    public DbSet<CaseEventRecord> CaseEvents => Set<CaseEventRecord>();

    public DbSet<CaseDigestRecord> CaseDigests => Set<CaseDigestRecord>();

    public DbSet<ReportRecord> Reports => Set<ReportRecord>();

    public DbSet<InviteRecord> Invites => Set<InviteRecord>();

    public DbSet<ReviewItemRecord> ReviewItems => Set<ReviewItemRecord>();

    public DbSet<EvidenceRecord> Evidence => Set<EvidenceRecord>();

    public DbSet<ReportAttachmentRecord> ReportAttachments => Set<ReportAttachmentRecord>();

    public DbSet<PlatformContactRecord> PlatformContacts => Set<PlatformContactRecord>();

    public DbSet<NoticedItemRecord> NoticedItems => Set<NoticedItemRecord>();

    public DbSet<TakedownNoticeRecord> TakedownNotices => Set<TakedownNoticeRecord>();

    public DbSet<TakedownNoticeItemRecord> TakedownNoticeItems => Set<TakedownNoticeItemRecord>();

    public DbSet<RecheckRecord> Rechecks => Set<RecheckRecord>();
    public DbSet<IngestItemRecord> IngestItems => Set<IngestItemRecord>();

    public DbSet<IngestContentRecord> IngestContents => Set<IngestContentRecord>();

    public DbSet<IngestDigestRecord> IngestDigests => Set<IngestDigestRecord>();

    public DbSet<TelegramCursorRecord> TelegramCursors => Set<TelegramCursorRecord>();
    public DbSet<WatchedSourceRecord> WatchedSources => Set<WatchedSourceRecord>();

    /// <summary>
    /// Pinned, so the model is the same at design time (no services) and at run time (whatever
    /// IdentityOptions say): the migrations are written for this schema (no passkeys).
    /// </summary>
    protected override Version SchemaVersion => IdentitySchemaVersions.Version2;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var modelBuilder = builder;
        base.OnModelCreating(modelBuilder);
        ReviewConfiguration.Configure(modelBuilder);
        ReviewPriorityConfiguration.Configure(modelBuilder);
        TakedownConfiguration.Configure(modelBuilder);
        modelBuilder.ApplyConfiguration(new BankChangeConfiguration());
        modelBuilder.Entity<BankRecord>(bank =>
        {
            bank.ToTable("banks");
            bank.HasKey(b => b.Id);
            bank.Property(b => b.Name).HasMaxLength(BankRules.MaxNameLength).IsRequired();
            bank.HasIndex(b => b.Name).IsUnique();
            bank.Property(b => b.Description).HasMaxLength(1000);
            bank.Property(b => b.SignalType).HasMaxLength(32).IsRequired();
            bank.Property(b => b.EmbeddingModel).HasMaxLength(200);
            bank.HasMany(b => b.Entries).WithOne(e => e.Bank).HasForeignKey(e => e.BankId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<BankEntryRecord>(entry =>
        {
            entry.ToTable("bank_entries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Signal).HasMaxLength(64);
            entry.Property(e => e.ExternalId).HasMaxLength(BankRules.MaxExternalIdLength);
            entry.Property(e => e.Labels).HasMaxLength(BankRules.MaxLabels * (BankRules.MaxLabelLength + 1));
            entry.Property(e => e.State).HasConversion<int>();
            entry.HasIndex(e => new { e.BankId, e.ExternalId });
            entry.HasIndex(e => new { e.BankId, e.Signal });
            entry.HasMany(e => e.Frames).WithOne(f => f.Entry).HasForeignKey(f => f.EntryId).OnDelete(DeleteBehavior.Cascade);
            entry.HasMany(e => e.Views).WithOne(v => v.Entry).HasForeignKey(v => v.EntryId).OnDelete(DeleteBehavior.Cascade);
            entry.HasOne(e => e.Embedding).WithOne(v => v.Entry).HasForeignKey<BankEntryEmbeddingRecord>(v => v.EntryId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<BankEntryEmbeddingRecord>(embedding =>
        {
            embedding.ToTable("bank_entry_embeddings");
            embedding.HasKey(v => v.Id);
            embedding.Property(v => v.Vector).HasMaxLength(16384).IsRequired();
        });
        modelBuilder.Entity<BankEntryViewRecord>(view =>
        {
            view.ToTable("bank_entry_views");
            view.HasKey(v => v.Id);
            view.Property(v => v.Signal).HasMaxLength(32).IsRequired();
            view.HasIndex(v => v.EntryId);
        });
        modelBuilder.Entity<BankEntryFrameRecord>(frame =>
        {
            frame.ToTable("bank_entry_frames");
            frame.HasKey(f => f.Id);
            frame.Property(f => f.Signal).HasMaxLength(32).IsRequired();
            frame.HasIndex(f => f.EntryId);
        });
        BankLocalFeaturesConfiguration.Configure(modelBuilder);
        CaseConfiguration.Configure(modelBuilder);
        IngestConfiguration.Configure(modelBuilder);
        TelegramConfiguration.Configure(modelBuilder);
        ReportAttachmentConfiguration.Configure(modelBuilder);
        WatchedSourceConfiguration.Configure(modelBuilder);
        modelBuilder.Entity<Audit.AuditRecord>(audit =>
        {
            audit.ToTable("audit_entries");
            audit.HasKey(a => a.Id);
            audit.HasIndex(a => a.Sequence).IsUnique();
            audit.Property(a => a.Actor).HasMaxLength(Audit.AuditLog.MaxFieldLength);
            audit.Property(a => a.Action).HasMaxLength(Audit.AuditLog.MaxFieldLength);
            audit.Property(a => a.Subject).HasMaxLength(Audit.AuditLog.MaxFieldLength);
            audit.Property(a => a.Detail).HasMaxLength(Audit.AuditLog.MaxDetailLength);
            audit.Property(a => a.Hash).HasMaxLength(32);
        });

        // snake_case columns, so hand-written SQL on hot paths reads naturally on SQLite and PostgreSQL.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
