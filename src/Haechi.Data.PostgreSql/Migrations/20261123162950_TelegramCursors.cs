using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.PostgreSql.Migrations
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
                    bot_id = table.Column<long>(type: "bigint", nullable: false),
                    next_offset = table.Column<long>(type: "bigint", nullable: false),
                    last_poll_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    last_error_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reports = table.Column<long>(type: "bigint", nullable: false),
                    ingested = table.Column<long>(type: "bigint", nullable: false),
                    refused = table.Column<long>(type: "bigint", nullable: false),
                    ignored = table.Column<long>(type: "bigint", nullable: false)
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
