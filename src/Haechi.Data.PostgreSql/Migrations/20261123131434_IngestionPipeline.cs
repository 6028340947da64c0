using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Haechi.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class IngestionPipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ingest_contents",
                columns: table => new
                {
                    item_id = table.Column<long>(type: "bigint", nullable: false),
                    @sealed = table.Column<byte[]>(name: "sealed", type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_contents", x => x.item_id);
                });

            migrationBuilder.CreateTable(
                name: "ingest_digests",
                columns: table => new
                {
                    sha256 = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    first_item_id = table.Column<long>(type: "bigint", nullable: false),
                    seen_count = table.Column<int>(type: "integer", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_digests", x => x.sha256);
                });

            migrationBuilder.CreateTable(
                name: "ingest_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    source_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    source_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    url = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    file_path = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: true),
                    state = table.Column<int>(type: "integer", nullable: false),
                    failed_in = table.Column<int>(type: "integer", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    lease_owner = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    lease_until = table.Column<long>(type: "bigint", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    fetched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    content_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    length = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    duplicate_of = table.Column<long>(type: "bigint", nullable: true),
                    pdq = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    quality = table.Column<int>(type: "integer", nullable: true),
                    frames = table.Column<byte[]>(type: "bytea", nullable: true),
                    match_count = table.Column<int>(type: "integer", nullable: false),
                    matched_entry_id = table.Column<long>(type: "bigint", nullable: true),
                    match_strength = table.Column<double>(type: "double precision", nullable: false),
                    review_item_id = table.Column<long>(type: "bigint", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_items", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ingest_items_source_kind_source_id",
                table: "ingest_items",
                columns: new[] { "source_kind", "source_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ingest_items_state_lease_until_id",
                table: "ingest_items",
                columns: new[] { "state", "lease_until", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ingest_contents");

            migrationBuilder.DropTable(
                name: "ingest_digests");

            migrationBuilder.DropTable(
                name: "ingest_items");
        }
    }
}
