using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class TelegramCursors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "telegram_cursors",
                columns: table => new
                {
                    bot_id = table.Column<long>(type: "INTEGER", nullable: false),
                    next_offset = table.Column<long>(type: "INTEGER", nullable: false),
                    last_poll_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    last_error_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    reports = table.Column<long>(type: "INTEGER", nullable: false),
                    ingested = table.Column<long>(type: "INTEGER", nullable: false),
                    refused = table.Column<long>(type: "INTEGER", nullable: false),
                    ignored = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telegram_cursors", x => x.bot_id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "telegram_cursors");
        }
    }
}
