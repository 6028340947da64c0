using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Haechi.Data.PostgreSql.Migrations
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    depth = table.Column<int>(type: "integer", nullable: false),
                    revisit_seconds = table.Column<int>(type: "integer", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_visit_at = table.Column<long>(type: "bigint", nullable: false),
                    last_visit_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_success_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    last_pages = table.Column<int>(type: "integer", nullable: false),
                    last_items_found = table.Column<int>(type: "integer", nullable: false),
                    last_items_queued = table.Column<int>(type: "integer", nullable: false),
                    last_truncated = table.Column<bool>(type: "boolean", nullable: false),
                    visits = table.Column<int>(type: "integer", nullable: false),
                    items_queued_total = table.Column<long>(type: "bigint", nullable: false)
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
