using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class PoliceReferralsAndHostReplies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "moved_from_id",
                table: "noticed_items",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "second_look",
                table: "noticed_items",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "host_replies");

            migrationBuilder.DropTable(
                name: "police_referrals");

            migrationBuilder.DropColumn(
                name: "moved_from_id",
                table: "noticed_items");

            migrationBuilder.DropColumn(
                name: "second_look",
                table: "noticed_items");
        }
    }
}
