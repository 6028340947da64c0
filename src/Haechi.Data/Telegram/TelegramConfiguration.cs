using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Telegram;

/// <summary>The Telegram connector's table: one cursor row per bot.</summary>
internal static class TelegramConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TelegramCursorRecord>(c =>
        {
            c.ToTable("telegram_cursors");
            c.HasKey(x => x.BotId);
            c.Property(x => x.BotId).ValueGeneratedNever();
            c.Property(x => x.LastError).HasMaxLength(64);
        });
    }
}
