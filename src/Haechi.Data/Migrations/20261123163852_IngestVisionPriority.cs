using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class IngestVisionPriority : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "priority",
                table: "review_items",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<string>(
                name: "signal",
                table: "review_items",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "face_count",
                table: "ingest_items",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "face_entry_id",
                table: "ingest_items",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "face_similarity",
                table: "ingest_items",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "nudity_score",
                table: "ingest_items",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "priority",
                table: "ingest_items",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<string>(
                name: "signal",
                table: "ingest_items",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_review_items_status_possible_minor_priority_id",
                table: "review_items",
                columns: new[] { "status", "possible_minor", "priority", "id" });

            // Items queued before: their priority from the same formula (ReviewPriority), kind 2 being a face match.
            migrationBuilder.Sql(
                "UPDATE review_items SET priority = CASE "
                + "WHEN match_strength <= 0 THEN 0.2499 * nudity_score "
                + "WHEN kind = 2 AND nudity_score >= 0.5 THEN 0.75 + 0.2499 * (0.7 * match_strength + 0.3 * nudity_score) "
                + "WHEN kind = 2 THEN 0.25 + 0.2499 * (0.7 * match_strength + 0.3 * nudity_score) "
                + "ELSE 0.5 + 0.2499 * (0.7 * match_strength + 0.3 * nudity_score) END");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_review_items_status_possible_minor_priority_id",
                table: "review_items");

            migrationBuilder.DropColumn(
                name: "priority",
                table: "review_items");

            migrationBuilder.DropColumn(
                name: "signal",
                table: "review_items");

            migrationBuilder.DropColumn(
                name: "face_count",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "face_entry_id",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "face_similarity",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "nudity_score",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "priority",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "signal",
                table: "ingest_items");
        }
    }
}
