using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Takedowns;

/// <summary>Tables of platform contacts, noticed items, notices and re-checks.</summary>
internal static class TakedownConfiguration
{
    public const int MaxUrlLength = 2048;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PlatformContactRecord>(c =>
        {
            c.ToTable("platform_contacts");
            c.HasKey(x => x.Id);
            c.Property(x => x.Name).HasMaxLength(200).IsRequired();
            c.HasIndex(x => x.Name).IsUnique();
            c.Property(x => x.Hosts).HasMaxLength(4000).IsRequired();
            c.Property(x => x.Email).HasMaxLength(320);
            c.Property(x => x.WebFormUrl).HasMaxLength(MaxUrlLength);
            c.Property(x => x.WebhookUrl).HasMaxLength(MaxUrlLength);
            c.Property(x => x.WebhookSecret).HasMaxLength(200);
            c.Property(x => x.Language).HasMaxLength(8).IsRequired();
        });
        modelBuilder.Entity<NoticedItemRecord>(n =>
        {
            n.ToTable("noticed_items");
            n.HasKey(x => x.Id);
            n.Property(x => x.Url).HasMaxLength(MaxUrlLength).IsRequired();
            n.Property(x => x.Host).HasMaxLength(255).IsRequired();
            n.Property(x => x.Pdq).HasMaxLength(32);
            n.Property(x => x.Sha256).HasMaxLength(32);
            n.Property(x => x.Status).HasConversion<int>();
            n.HasIndex(x => new { x.ReviewItemId, x.Url }).IsUnique();
            n.HasIndex(x => new { x.Status, x.LastNoticeAt });
            n.HasIndex(x => x.CaseId);
            n.HasOne<PlatformContactRecord>().WithMany().HasForeignKey(x => x.ContactId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<TakedownNoticeRecord>(t =>
        {
            t.ToTable("takedown_notices");
            t.HasKey(x => x.Id);
            t.Property(x => x.Channel).HasConversion<int>();
            t.Property(x => x.Delivery).HasConversion<int>();
            t.Property(x => x.Language).HasMaxLength(8).IsRequired();
            t.Property(x => x.Subject).HasMaxLength(300).IsRequired();
            t.Property(x => x.Body).IsRequired();
            t.Property(x => x.MessageId).HasMaxLength(300);
            t.Property(x => x.LastError).HasMaxLength(64);
            t.Property(x => x.SentBy).HasMaxLength(64);
            t.HasIndex(x => new { x.Delivery, x.NextAttemptAt });
            t.HasOne<PlatformContactRecord>().WithMany().HasForeignKey(x => x.ContactId).OnDelete(DeleteBehavior.Restrict);
        });
        modelBuilder.Entity<TakedownNoticeItemRecord>(i =>
        {
            i.ToTable("takedown_notice_items");
            i.HasKey(x => new { x.NoticeId, x.NoticedItemId });
            i.HasIndex(x => x.NoticedItemId);
            i.HasOne<TakedownNoticeRecord>().WithMany().HasForeignKey(x => x.NoticeId).OnDelete(DeleteBehavior.Cascade);
            i.HasOne<NoticedItemRecord>().WithMany().HasForeignKey(x => x.NoticedItemId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<RecheckRecord>(r =>
        {
            r.ToTable("rechecks");
            r.HasKey(x => x.Id);
            r.Property(x => x.Outcome).HasConversion<int?>();
            r.Property(x => x.Fetch).HasMaxLength(32).IsRequired();
            r.HasIndex(x => x.NoticedItemId);
            r.HasOne<NoticedItemRecord>().WithMany().HasForeignKey(x => x.NoticedItemId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
