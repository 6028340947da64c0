using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Haechi.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Takedowns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "url",
                table: "review_items",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "platform_contacts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    hosts = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    web_form_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    webhook_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    webhook_secret = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_platform_contacts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "noticed_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    pdq = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    sha256 = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    review_item_id = table.Column<long>(type: "bigint", nullable: false),
                    case_id = table.Column<long>(type: "bigint", nullable: true),
                    contact_id = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    notices_sent = table.Column<int>(type: "integer", nullable: false),
                    rechecks = table.Column<int>(type: "integer", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    first_notice_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_notice_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    escalated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_noticed_items", x => x.id);
                    table.ForeignKey(
                        name: "FK_noticed_items_platform_contacts_contact_id",
                        column: x => x.contact_id,
                        principalTable: "platform_contacts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "takedown_notices",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    contact_id = table.Column<long>(type: "bigint", nullable: false),
                    channel = table.Column<int>(type: "integer", nullable: false),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    round = table.Column<int>(type: "integer", nullable: false),
                    escalated = table.Column<bool>(type: "boolean", nullable: false),
                    subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    delivery = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    message_id = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    last_error = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    sent_by = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_takedown_notices", x => x.id);
                    table.ForeignKey(
                        name: "FK_takedown_notices_platform_contacts_contact_id",
                        column: x => x.contact_id,
                        principalTable: "platform_contacts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "rechecks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    noticed_item_id = table.Column<long>(type: "bigint", nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<int>(type: "integer", nullable: true),
                    fetch = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    http_status = table.Column<int>(type: "integer", nullable: true),
                    distance = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rechecks", x => x.id);
                    table.ForeignKey(
                        name: "FK_rechecks_noticed_items_noticed_item_id",
                        column: x => x.noticed_item_id,
                        principalTable: "noticed_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "takedown_notice_items",
                columns: table => new
                {
                    notice_id = table.Column<long>(type: "bigint", nullable: false),
                    noticed_item_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_takedown_notice_items", x => new { x.notice_id, x.noticed_item_id });
                    table.ForeignKey(
                        name: "FK_takedown_notice_items_noticed_items_noticed_item_id",
                        column: x => x.noticed_item_id,
                        principalTable: "noticed_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_takedown_notice_items_takedown_notices_notice_id",
                        column: x => x.notice_id,
                        principalTable: "takedown_notices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_noticed_items_case_id",
                table: "noticed_items",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "IX_noticed_items_contact_id",
                table: "noticed_items",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "IX_noticed_items_review_item_id_url",
                table: "noticed_items",
                columns: new[] { "review_item_id", "url" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_noticed_items_status_last_notice_at",
                table: "noticed_items",
                columns: new[] { "status", "last_notice_at" });

            migrationBuilder.CreateIndex(
                name: "IX_platform_contacts_name",
                table: "platform_contacts",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_rechecks_noticed_item_id",
                table: "rechecks",
                column: "noticed_item_id");

            migrationBuilder.CreateIndex(
                name: "IX_takedown_notice_items_noticed_item_id",
                table: "takedown_notice_items",
                column: "noticed_item_id");

            migrationBuilder.CreateIndex(
                name: "IX_takedown_notices_contact_id",
                table: "takedown_notices",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "IX_takedown_notices_delivery_next_attempt_at",
                table: "takedown_notices",
                columns: new[] { "delivery", "next_attempt_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rechecks");

            migrationBuilder.DropTable(
                name: "takedown_notice_items");

            migrationBuilder.DropTable(
                name: "noticed_items");

            migrationBuilder.DropTable(
                name: "takedown_notices");

            migrationBuilder.DropTable(
                name: "platform_contacts");

            migrationBuilder.DropColumn(
                name: "url",
                table: "review_items");
        }
    }
}
