using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Haechi.Data.Telegram;

/// <summary>The Telegram connector's table: one cursor row per bot.</summary>
internal sealed class TelegramCursorConfiguration : IEntityTypeConfiguration<TelegramCursorRecord>
{
    public void Configure(EntityTypeBuilder<TelegramCursorRecord> builder)
    {
        builder.ToTable("telegram_cursors");
        builder.HasKey(x => x.BotId);
        builder.Property(x => x.BotId).ValueGeneratedNever();
        builder.Property(x => x.LastError).HasMaxLength(64);
    }
}
