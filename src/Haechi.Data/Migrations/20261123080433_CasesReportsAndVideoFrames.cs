using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class CasesReportsAndVideoFrames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "bank_entry_frames",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    frame_number = table.Column<int>(type: "INTEGER", nullable: false),
                    quality = table.Column<int>(type: "INTEGER", nullable: false),
                    signal = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    timestamp = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_entry_frames", x => x.id);
                    table.ForeignKey(
                        name: "FK_bank_entry_frames_bank_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "bank_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    case_number = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    pin_hash = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: false),
                    pin_salt = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: false),
                    pin_iterations = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    failed_pin_attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    locked_until = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cases", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "reports",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    receipt = table.Column<string>(type: "TEXT", maxLength: 14, nullable: false),
                    urls = table.Column<string>(type: "TEXT", maxLength: 40980, nullable: false),
                    platform = table.Column<int>(type: "INTEGER", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    possible_minor = table.Column<bool>(type: "INTEGER", nullable: false),
                    contact = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    intake = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    priority = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_reports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "case_digests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    case_id = table.Column<long>(type: "INTEGER", nullable: false),
                    md5 = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_digests", x => x.id);
                    table.ForeignKey(
                        name: "FK_case_digests_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "case_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    case_id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    signal_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_events", x => x.id);
                    table.ForeignKey(
                        name: "FK_case_events_cases_case_id",
                        column: x => x.case_id,
                        principalTable: "cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_bank_entry_frames_entry_id",
                table: "bank_entry_frames",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "IX_case_digests_case_id_md5",
                table: "case_digests",
                columns: new[] { "case_id", "md5" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_digests_md5",
                table: "case_digests",
                column: "md5");

            migrationBuilder.CreateIndex(
                name: "IX_case_events_case_id",
                table: "case_events",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "IX_cases_case_number",
                table: "cases",
                column: "case_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_reports_priority_created_at",
                table: "reports",
                columns: new[] { "priority", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_reports_receipt",
                table: "reports",
                column: "receipt",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bank_entry_frames");

            migrationBuilder.DropTable(
                name: "case_digests");

            migrationBuilder.DropTable(
                name: "case_events");

            migrationBuilder.DropTable(
                name: "reports");

            migrationBuilder.DropTable(
                name: "cases");
        }
    }
}
