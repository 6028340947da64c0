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

/// <summary>The Telegram chats table: names of the channels and groups posts came from.</summary>
internal sealed class TelegramChatConfiguration : IEntityTypeConfiguration<TelegramChatRecord>
{
    public void Configure(EntityTypeBuilder<TelegramChatRecord> builder)
    {
        builder.ToTable("telegram_chats");
        builder.HasKey(x => x.ChatId);
        builder.Property(x => x.ChatId).ValueGeneratedNever();
        builder.Property(x => x.Username).HasMaxLength(64);
        builder.Property(x => x.Title).HasMaxLength(256);
    }
}
