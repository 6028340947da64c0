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

    public DbSet<HostReplyRecord> HostReplies => Set<HostReplyRecord>();

    public DbSet<PoliceReferralRecord> PoliceReferrals => Set<PoliceReferralRecord>();

    public DbSet<IngestItemRecord> IngestItems => Set<IngestItemRecord>();

    public DbSet<IngestContentRecord> IngestContents => Set<IngestContentRecord>();

    public DbSet<IngestDigestRecord> IngestDigests => Set<IngestDigestRecord>();

    public DbSet<TelegramCursorRecord> TelegramCursors => Set<TelegramCursorRecord>();

    /// <summary>Telegram channels and groups posts came from (username and title).</summary>
    public DbSet<TelegramChatRecord> TelegramChats => Set<TelegramChatRecord>();
    public DbSet<WatchedSourceRecord> WatchedSources => Set<WatchedSourceRecord>();

    public DbSet<ReportLinkRecord> ReportLinks => Set<ReportLinkRecord>();

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
        // One IEntityTypeConfiguration per entity, beside its record (Banks/BankConfiguration.cs, ...).
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(HaechiDbContext).Assembly);

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
