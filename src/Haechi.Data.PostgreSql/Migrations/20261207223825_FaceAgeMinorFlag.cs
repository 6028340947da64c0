using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class FaceAgeMinorFlag : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "minor_age",
                table: "review_items",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "youngest_age",
                table: "ingest_items",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "minor_age",
                table: "review_items");

            migrationBuilder.DropColumn(
                name: "youngest_age",
                table: "ingest_items");
        }
    }
}
