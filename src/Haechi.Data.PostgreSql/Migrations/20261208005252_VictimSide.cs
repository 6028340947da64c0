using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class VictimSide : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "pin_pepper_id",
                table: "cases",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "pin_pepper_id",
                table: "cases");
        }
    }
}
