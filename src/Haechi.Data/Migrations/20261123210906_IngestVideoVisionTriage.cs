using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class IngestVideoVisionTriage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "frame_at",
                table: "review_items",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "explicit_score",
                table: "ingest_items",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "frame_at",
                table: "ingest_items",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "frame_at",
                table: "review_items");

            migrationBuilder.DropColumn(
                name: "explicit_score",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "frame_at",
                table: "ingest_items");
        }
    }
}
