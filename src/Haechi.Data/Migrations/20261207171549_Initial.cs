using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Haechi.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    detail = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "bank_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    bank_id = table.Column<int>(type: "INTEGER", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "banks",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    signal_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    extra_signals = table.Column<int>(type: "INTEGER", nullable: false),
                    embedding_model = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_banks", x => x.id);
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
                name: "evidence",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    report_id = table.Column<long>(type: "INTEGER", nullable: true),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    length = table.Column<long>(type: "INTEGER", nullable: false),
                    width = table.Column<int>(type: "INTEGER", nullable: false),
                    height = table.Column<int>(type: "INTEGER", nullable: false),
                    key_id = table.Column<int>(type: "INTEGER", nullable: false),
                    @sealed = table.Column<byte[]>(name: "sealed", type: "BLOB", nullable: false),
                    sealed_preview = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_evidence", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ingest_contents",
                columns: table => new
                {
                    item_id = table.Column<long>(type: "INTEGER", nullable: false),
                    @sealed = table.Column<byte[]>(name: "sealed", type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_contents", x => x.item_id);
                });

            migrationBuilder.CreateTable(
                name: "ingest_digests",
                columns: table => new
                {
                    sha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    first_item_id = table.Column<long>(type: "INTEGER", nullable: false),
                    seen_count = table.Column<int>(type: "INTEGER", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_digests", x => x.sha256);
                });

            migrationBuilder.CreateTable(
                name: "ingest_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    source_kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    source_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    url = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    file_path = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: true),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    failed_in = table.Column<int>(type: "INTEGER", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    lease_until = table.Column<long>(type: "INTEGER", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    fetched_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    content_kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    length = table.Column<long>(type: "INTEGER", nullable: false),
                    sha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    duplicate_of = table.Column<long>(type: "INTEGER", nullable: true),
                    pdq = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    quality = table.Column<int>(type: "INTEGER", nullable: true),
                    frames = table.Column<byte[]>(type: "BLOB", nullable: true),
                    match_count = table.Column<int>(type: "INTEGER", nullable: false),
                    matched_entry_id = table.Column<long>(type: "INTEGER", nullable: true),
                    match_strength = table.Column<double>(type: "REAL", nullable: false),
                    face_count = table.Column<int>(type: "INTEGER", nullable: true),
                    face_entry_id = table.Column<long>(type: "INTEGER", nullable: true),
                    face_similarity = table.Column<double>(type: "REAL", nullable: true),
                    nudity_score = table.Column<double>(type: "REAL", nullable: true),
                    explicit_score = table.Column<double>(type: "REAL", nullable: true),
                    frame_at = table.Column<double>(type: "REAL", nullable: true),
                    signal = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    priority = table.Column<double>(type: "REAL", nullable: false),
                    review_item_id = table.Column<long>(type: "INTEGER", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ingest_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "invites",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    token_hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    used_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_invites", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "platform_contacts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    hosts = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    web_form_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    webhook_url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    webhook_secret = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_platform_contacts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "report_attachments",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    report_id = table.Column<long>(type: "INTEGER", nullable: false),
                    evidence_id = table.Column<long>(type: "INTEGER", nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    declared_bytes = table.Column<long>(type: "INTEGER", nullable: true),
                    max_bytes = table.Column<long>(type: "INTEGER", nullable: true),
                    duration_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    frames = table.Column<int>(type: "INTEGER", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_report_attachments", x => x.id);
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
                name: "review_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    source_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    possible_minor = table.Column<bool>(type: "INTEGER", nullable: false),
                    match_strength = table.Column<double>(type: "REAL", nullable: false),
                    nudity_score = table.Column<double>(type: "REAL", nullable: false),
                    signal = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    frame_at = table.Column<double>(type: "REAL", nullable: true),
                    priority = table.Column<double>(type: "REAL", nullable: false),
                    matched_entry_id = table.Column<long>(type: "INTEGER", nullable: true),
                    sha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    md5 = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: true),
                    pdq = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    evidence_id = table.Column<long>(type: "INTEGER", nullable: true),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    decision = table.Column<int>(type: "INTEGER", nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    decided_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    same_as_id = table.Column<long>(type: "INTEGER", nullable: true),
                    return_count = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    normalized_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "telegram_cursors",
                columns: table => new
                {
                    bot_id = table.Column<long>(type: "INTEGER", nullable: false),
                    next_offset = table.Column<long>(type: "INTEGER", nullable: false),
                    last_poll_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    last_error_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    reports = table.Column<long>(type: "INTEGER", nullable: false),
                    ingested = table.Column<long>(type: "INTEGER", nullable: false),
                    refused = table.Column<long>(type: "INTEGER", nullable: false),
                    ignored = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telegram_cursors", x => x.bot_id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    user_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    normalized_user_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", nullable: true),
                    security_stamp = table.Column<string>(type: "TEXT", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "TEXT", nullable: true),
                    phone_number = table.Column<string>(type: "TEXT", nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "INTEGER", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    access_failed_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.id);
                });

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

            migrationBuilder.CreateTable(
                name: "bank_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    bank_id = table.Column<int>(type: "INTEGER", nullable: false),
                    signal = table.Column<byte[]>(type: "BLOB", maxLength: 64, nullable: true),
                    quality = table.Column<int>(type: "INTEGER", nullable: false),
                    external_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    labels = table.Column<string>(type: "TEXT", maxLength: 1040, nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    state = table.Column<int>(type: "INTEGER", nullable: false),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_entries", x => x.id);
                    table.ForeignKey(
                        name: "FK_bank_entries_banks_bank_id",
                        column: x => x.bank_id,
                        principalTable: "banks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
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

            migrationBuilder.CreateTable(
                name: "noticed_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    url = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    pdq = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    sha256 = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    review_item_id = table.Column<long>(type: "INTEGER", nullable: false),
                    case_id = table.Column<long>(type: "INTEGER", nullable: true),
                    contact_id = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    notices_sent = table.Column<int>(type: "INTEGER", nullable: false),
                    rechecks = table.Column<int>(type: "INTEGER", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    first_notice_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_notice_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    removed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    escalated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    last_checked_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
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
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    contact_id = table.Column<long>(type: "INTEGER", nullable: false),
                    channel = table.Column<int>(type: "INTEGER", nullable: false),
                    language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    round = table.Column<int>(type: "INTEGER", nullable: false),
                    escalated = table.Column<bool>(type: "INTEGER", nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    delivery = table.Column<int>(type: "INTEGER", nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    message_id = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    sent_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
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
                name: "role_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    role_id = table.Column<string>(type: "TEXT", nullable: false),
                    claim_type = table.Column<string>(type: "TEXT", nullable: true),
                    claim_value = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_role_claims", x => x.id);
                    table.ForeignKey(
                        name: "FK_role_claims_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    claim_type = table.Column<string>(type: "TEXT", nullable: true),
                    claim_value = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "FK_user_claims_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "TEXT", nullable: false),
                    provider_key = table.Column<string>(type: "TEXT", nullable: false),
                    provider_display_name = table.Column<string>(type: "TEXT", nullable: true),
                    user_id = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "FK_user_logins_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_roles",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    role_id = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_roles", x => new { x.user_id, x.role_id });
                    table.ForeignKey(
                        name: "FK_user_roles_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_user_roles_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_tokens",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "TEXT", nullable: false),
                    login_provider = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "FK_user_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "bank_entry_embeddings",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    vector = table.Column<byte[]>(type: "BLOB", maxLength: 16384, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_entry_embeddings", x => x.id);
                    table.ForeignKey(
                        name: "FK_bank_entry_embeddings_bank_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "bank_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

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
                name: "bank_entry_local_features",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    count = table.Column<int>(type: "INTEGER", nullable: false),
                    features = table.Column<byte[]>(type: "BLOB", maxLength: 8192, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_entry_local_features", x => x.id);
                    table.ForeignKey(
                        name: "FK_bank_entry_local_features_bank_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "bank_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "bank_entry_views",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    quality = table.Column<int>(type: "INTEGER", nullable: false),
                    signal = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_entry_views", x => x.id);
                    table.ForeignKey(
                        name: "FK_bank_entry_views_bank_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "bank_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "rechecks",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    noticed_item_id = table.Column<long>(type: "INTEGER", nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    outcome = table.Column<int>(type: "INTEGER", nullable: true),
                    fetch = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    http_status = table.Column<int>(type: "INTEGER", nullable: true),
                    distance = table.Column<int>(type: "INTEGER", nullable: true)
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
                    notice_id = table.Column<long>(type: "INTEGER", nullable: false),
                    noticed_item_id = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "IX_audit_entries_sequence",
                table: "audit_entries",
                column: "sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_bank_entries_bank_id_external_id",
                table: "bank_entries",
                columns: new[] { "bank_id", "external_id" });

            migrationBuilder.CreateIndex(
                name: "IX_bank_entries_bank_id_signal",
                table: "bank_entries",
                columns: new[] { "bank_id", "signal" });

            migrationBuilder.CreateIndex(
                name: "IX_bank_entry_embeddings_entry_id",
                table: "bank_entry_embeddings",
                column: "entry_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_bank_entry_frames_entry_id",
                table: "bank_entry_frames",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "IX_bank_entry_local_features_entry_id",
                table: "bank_entry_local_features",
                column: "entry_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_bank_entry_views_entry_id",
                table: "bank_entry_views",
                column: "entry_id");

            migrationBuilder.CreateIndex(
                name: "IX_banks_name",
                table: "banks",
                column: "name",
                unique: true);

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
                name: "IX_evidence_report_id",
                table: "evidence",
                column: "report_id");

            migrationBuilder.CreateIndex(
                name: "IX_ingest_items_source_kind_source_id",
                table: "ingest_items",
                columns: new[] { "source_kind", "source_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ingest_items_state_lease_until_id",
                table: "ingest_items",
                columns: new[] { "state", "lease_until", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_invites_token_hash",
                table: "invites",
                column: "token_hash",
                unique: true);

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
                name: "IX_report_attachments_report_id",
                table: "report_attachments",
                column: "report_id");

            migrationBuilder.CreateIndex(
                name: "IX_reports_priority_created_at",
                table: "reports",
                columns: new[] { "priority", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_reports_receipt",
                table: "reports",
                column: "receipt",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_review_items_kind_source_id",
                table: "review_items",
                columns: new[] { "kind", "source_id" });

            migrationBuilder.CreateIndex(
                name: "IX_review_items_md5",
                table: "review_items",
                column: "md5");

            migrationBuilder.CreateIndex(
                name: "IX_review_items_sha256",
                table: "review_items",
                column: "sha256");

            migrationBuilder.CreateIndex(
                name: "IX_review_items_status_possible_minor_match_strength_nudity_score_id",
                table: "review_items",
                columns: new[] { "status", "possible_minor", "match_strength", "nudity_score", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_review_items_status_possible_minor_priority_id",
                table: "review_items",
                columns: new[] { "status", "possible_minor", "priority", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_role_claims_role_id",
                table: "role_claims",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "roles",
                column: "normalized_name",
                unique: true);

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

            migrationBuilder.CreateIndex(
                name: "IX_user_claims_user_id",
                table: "user_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_user_logins_user_id",
                table: "user_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_user_roles_role_id",
                table: "user_roles",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "users",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "users",
                column: "normalized_user_name",
                unique: true);

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
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "bank_changes");

            migrationBuilder.DropTable(
                name: "bank_entry_embeddings");

            migrationBuilder.DropTable(
                name: "bank_entry_frames");

            migrationBuilder.DropTable(
                name: "bank_entry_local_features");

            migrationBuilder.DropTable(
                name: "bank_entry_views");

            migrationBuilder.DropTable(
                name: "case_digests");

            migrationBuilder.DropTable(
                name: "case_events");

            migrationBuilder.DropTable(
                name: "evidence");

            migrationBuilder.DropTable(
                name: "ingest_contents");

            migrationBuilder.DropTable(
                name: "ingest_digests");

            migrationBuilder.DropTable(
                name: "ingest_items");

            migrationBuilder.DropTable(
                name: "invites");

            migrationBuilder.DropTable(
                name: "rechecks");

            migrationBuilder.DropTable(
                name: "report_attachments");

            migrationBuilder.DropTable(
                name: "reports");

            migrationBuilder.DropTable(
                name: "review_items");

            migrationBuilder.DropTable(
                name: "role_claims");

            migrationBuilder.DropTable(
                name: "takedown_notice_items");

            migrationBuilder.DropTable(
                name: "telegram_cursors");

            migrationBuilder.DropTable(
                name: "user_claims");

            migrationBuilder.DropTable(
                name: "user_logins");

            migrationBuilder.DropTable(
                name: "user_roles");

            migrationBuilder.DropTable(
                name: "user_tokens");

            migrationBuilder.DropTable(
                name: "watched_sources");

            migrationBuilder.DropTable(
                name: "bank_entries");

            migrationBuilder.DropTable(
                name: "cases");

            migrationBuilder.DropTable(
                name: "noticed_items");

            migrationBuilder.DropTable(
                name: "takedown_notices");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "banks");

            migrationBuilder.DropTable(
                name: "platform_contacts");
        }
    }
}
