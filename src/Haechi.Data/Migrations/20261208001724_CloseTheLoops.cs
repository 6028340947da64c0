using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class CloseTheLoops : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "minor_age",
                table: "review_items",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "page_url",
                table: "review_items",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "moved_from_id",
                table: "noticed_items",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "page_url",
                table: "noticed_items",
                type: "TEXT",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "second_look",
                table: "noticed_items",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "link",
                table: "ingest_items",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "page_url",
                table: "ingest_items",
                type: "TEXT",
                maxLength: 4096,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "youngest_age",
                table: "ingest_items",
                type: "REAL",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "host_replies",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    noticed_item_id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    text = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    moved_to_item_id = table.Column<long>(type: "INTEGER", nullable: true),
                    recorded_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_host_replies", x => x.id);
                    table.ForeignKey(
                        name: "FK_host_replies_noticed_items_noticed_item_id",
                        column: x => x.noticed_item_id,
                        principalTable: "noticed_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "police_referrals",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    review_item_id = table.Column<long>(type: "INTEGER", nullable: false),
                    noticed_item_id = table.Column<long>(type: "INTEGER", nullable: true),
                    case_id = table.Column<long>(type: "INTEGER", nullable: true),
                    origin = table.Column<int>(type: "INTEGER", nullable: false),
                    decided_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_police_referrals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "report_links",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    report_id = table.Column<long>(type: "INTEGER", nullable: false),
                    position = table.Column<int>(type: "INTEGER", nullable: false),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    next_visit_at = table.Column<long>(type: "INTEGER", nullable: true),
                    follow_until = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    last_visit_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    last_pages = table.Column<int>(type: "INTEGER", nullable: false),
                    last_items_found = table.Column<int>(type: "INTEGER", nullable: false),
                    last_items_queued = table.Column<int>(type: "INTEGER", nullable: false),
                    visits = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_links", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "telegram_chats",
                columns: table => new
                {
                    chat_id = table.Column<long>(type: "INTEGER", nullable: false),
                    username = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    title = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    first_seen_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telegram_chats", x => x.chat_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_host_replies_noticed_item_id",
                table: "host_replies",
                column: "noticed_item_id");

            migrationBuilder.CreateIndex(
                name: "IX_police_referrals_noticed_item_id",
                table: "police_referrals",
                column: "noticed_item_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_police_referrals_review_item_id",
                table: "police_referrals",
                column: "review_item_id");

            migrationBuilder.CreateIndex(
                name: "IX_police_referrals_status_id",
                table: "police_referrals",
                columns: new[] { "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_report_links_next_visit_at",
                table: "report_links",
                column: "next_visit_at");

            migrationBuilder.CreateIndex(
                name: "IX_report_links_report_id_position",
                table: "report_links",
                columns: new[] { "report_id", "position" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "host_replies");

            migrationBuilder.DropTable(
                name: "police_referrals");

            migrationBuilder.DropTable(
                name: "report_links");

            migrationBuilder.DropTable(
                name: "telegram_chats");

            migrationBuilder.DropColumn(
                name: "minor_age",
                table: "review_items");

            migrationBuilder.DropColumn(
                name: "page_url",
                table: "review_items");

            migrationBuilder.DropColumn(
                name: "moved_from_id",
                table: "noticed_items");

            migrationBuilder.DropColumn(
                name: "page_url",
                table: "noticed_items");

            migrationBuilder.DropColumn(
                name: "second_look",
                table: "noticed_items");

            migrationBuilder.DropColumn(
                name: "link",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "page_url",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "youngest_age",
                table: "ingest_items");
        }
    }
}
