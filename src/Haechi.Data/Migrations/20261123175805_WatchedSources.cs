using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class WatchedSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "watched_sources",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    depth = table.Column<int>(type: "INTEGER", nullable: false),
                    revisit_seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    next_visit_at = table.Column<long>(type: "INTEGER", nullable: false),
                    last_visit_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_success_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    last_pages = table.Column<int>(type: "INTEGER", nullable: false),
                    last_items_found = table.Column<int>(type: "INTEGER", nullable: false),
                    last_items_queued = table.Column<int>(type: "INTEGER", nullable: false),
                    last_truncated = table.Column<bool>(type: "INTEGER", nullable: false),
                    visits = table.Column<int>(type: "INTEGER", nullable: false),
                    items_queued_total = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_watched_sources", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_watched_sources_enabled_next_visit_at",
                table: "watched_sources",
                columns: new[] { "enabled", "next_visit_at" });

            migrationBuilder.CreateIndex(
                name: "IX_watched_sources_url",
                table: "watched_sources",
                column: "url",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "watched_sources");
        }
    }
}
