using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Review;
using Haechi.Data.Sealing;
using Haechi.Media.Forensics;
using Haechi.Server.Features.Evidence;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Investigations;

/// <summary>A kept suspect image as listed: hashes and its custody entries (from the hash-chained audit log).</summary>
internal sealed record KeptItem(long Id, string Sha256, string ContentType, long Length, int Width, int Height, string KeptBy, DateTimeOffset KeptAt, IReadOnlyList<CustodyEntry> Custody);

/// <summary>One custody event: the audit entry's sequence, time, actor, action, detail and chained hash.</summary>
internal sealed record CustodyEntry(long Sequence, DateTimeOffset At, string Actor, string Action, string Detail, string EntryHash);

/// <summary>A court export: the zip and its SHA-256.</summary>
internal sealed record CustodyExport(byte[] Zip, string Sha256, string FileName);

/// <summary>
/// Chain of custody for suspect images an investigator keeps: the original is sealed at rest
/// (AES-256-GCM, <see cref="ContentSealer"/>) in the evidence table with a blurred grey preview, and
/// every step (kept, exported) is an entry of the hash-chained audit log naming the evidence id, the
/// file's SHA-256 and the actor, written in the same transaction as the row. The export for court is
/// a zip with the original as sealed out (its SHA-256 checked first), the HTML and JSON reports, the
/// custody log and a SHA256SUMS list.
/// </summary>
internal sealed class KeptEvidence(HaechiDbContext db, ContentSealer sealer, AuditLog audit, Accounts.UserNames names, TimeProvider time)
{
    public const string KeptAction = "investigation.kept";
    public const string ExportedAction = "investigation.exported";

    public static string Subject(long id) => "investigation-evidence:" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The sealing context: bound to the evidence row, so a blob moved to another row does not open.</summary>
    public static byte[] Context(long id, bool preview) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"haechi-investigation-evidence-v1|{(preview ? "preview" : "original")}|evidence:{id}"));

    /// <summary>Seals each file of the analysis and writes its custody entry; returns the evidence ids.</summary>
    public async Task<IReadOnlyList<long>> KeepAsync(Investigation investigation, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(investigation);
        var ids = new List<long>(investigation.Files.Count);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < investigation.Files.Count; i++)
        {
            var file = investigation.Files[i];
            var record = new EvidenceRecord
            {
                ReportId = null,
                ContentType = file.ContentType,
                Length = file.Bytes.LongLength,
                Width = file.Report.Width ?? 0,
                Height = file.Report.Height ?? 0,
                KeyId = sealer.CurrentKeyId,
                Sealed = [],
                SealedPreview = [],
                CreatedAt = time.GetUtcNow(),
            };
            db.Evidence.Add(record);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            record.Sealed = sealer.Seal(file.Bytes, Context(record.Id, preview: false));
            record.SealedPreview = sealer.Seal(file.Preview, Context(record.Id, preview: true));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(
                "user:" + userId,
                KeptAction,
                Subject(record.Id),
                string.Create(CultureInfo.InvariantCulture, $"sha256={file.Report.Sha256};md5={file.Report.Md5};bytes={file.Bytes.LongLength};investigation={investigation.Id:N};file={i + 1}"),
                cancellationToken).ConfigureAwait(false);
            ids.Add(record.Id);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Every kept item, newest first, with its custody entries.</summary>
    public async Task<IReadOnlyList<KeptItem>> ListAsync(CancellationToken cancellationToken)
    {
        var custody = await db.AuditEntries.AsNoTracking()
            .Where(a => EF.Functions.Like(a.Subject, "investigation-evidence:%"))
            .OrderBy(a => a.Sequence)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var bySubject = custody.GroupBy(a => a.Subject, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var ids = new List<long>();
        foreach (var subject in bySubject.Keys)
        {
            if (long.TryParse(subject.AsSpan("investigation-evidence:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
        }

        var rows = await db.Evidence.AsNoTracking().Where(e => ids.Contains(e.Id) && e.ReportId == null)
            .Select(e => new { e.Id, e.ContentType, e.Length, e.Width, e.Height })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var items = new List<KeptItem>(rows.Count);
        foreach (var row in rows.OrderByDescending(r => r.Id))
        {
            var entries = bySubject[Subject(row.Id)];
            var kept = entries.FirstOrDefault(e => e.Action == KeptAction);
            if (kept is null)
            {
                continue;
            }

            items.Add(new KeptItem(row.Id, Field(kept.Detail, "sha256") ?? string.Empty, row.ContentType, row.Length, row.Width, row.Height, kept.Actor, kept.At, [.. entries.Select(ToCustody)]));
        }

        return items;
    }

    /// <summary>The court export of one kept item (audited <c>investigation.exported</c> with the zip's SHA-256); null when unknown.</summary>
    /// <exception cref="CryptographicException">The sealed original does not open or no longer has its recorded SHA-256.</exception>
    public async Task<CustodyExport?> ExportAsync(long id, string userId, CancellationToken cancellationToken)
    {
        var item = (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Id == id);
        if (item is null)
        {
            return null;
        }

        var blob = await db.Evidence.AsNoTracking().Where(e => e.Id == id).Select(e => e.Sealed).SingleAsync(cancellationToken).ConfigureAwait(false);
        var original = sealer.Open(blob, Context(id, preview: false));
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(original));
        if (!string.Equals(sha256, item.Sha256, StringComparison.Ordinal))
        {
            throw new CryptographicException("The sealed original no longer has the SHA-256 recorded when it was kept.");
        }

        var now = time.GetUtcNow();
        var name = "evidence-" + id.ToString(CultureInfo.InvariantCulture) + Extension(item.ContentType);
        var report = new ForensicAnalyzer().Analyze(original);
        var html = Encoding.UTF8.GetBytes(ForensicReportHtml.Render([(name, report)], now, "revealed in Haechi"));
        var json = Encoding.UTF8.GetBytes(ForensicReportJson.ToJson(name, report));
        var custody = CustodyJson(item, name, now, await names.LookUpAsync(item.Custody.Select(c => c.Actor), cancellationToken).ConfigureAwait(false));
        var files = new List<(string Name, byte[] Bytes)> { (name, original), ("report.html", html), ("report.json", json), ("custody.json", custody) };
        var (zipBytes, zipSha) = await EvidenceZip.CreateAsync(files, now, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync("user:" + userId, ExportedAction, Subject(id), string.Create(CultureInfo.InvariantCulture, $"sha256={sha256};zip-sha256={zipSha}"), cancellationToken).ConfigureAwait(false);
        return new CustodyExport(zipBytes, zipSha, "haechi-evidence-" + id.ToString(CultureInfo.InvariantCulture) + ".zip");
    }

    private static byte[] CustodyJson(KeptItem item, string name, DateTimeOffset now, IReadOnlyDictionary<string, string> userNames)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("evidenceId", item.Id);
            writer.WriteString("file", name);
            writer.WriteString("sha256", item.Sha256);
            writer.WriteString("contentType", item.ContentType);
            writer.WriteNumber("bytes", item.Length);
            writer.WriteString("keptBy", item.KeptBy);
            writer.WriteString("keptByName", Accounts.UserNames.Display(item.KeptBy, userNames));
            writer.WriteString("keptAt", item.KeptAt);
            writer.WriteString("exportedAt", now);
            writer.WriteString("note", "Custody entries are rows of Haechi's hash-chained audit log (entryHash = SHA-256 over the previous entry's hash and this entry); 'haechi audit verify' checks the chain. The reports were generated at export time from the original in this zip.");
            writer.WriteStartArray("custody");
            foreach (var entry in item.Custody)
            {
                writer.WriteStartObject();
                writer.WriteNumber("sequence", entry.Sequence);
                writer.WriteString("at", entry.At);
                writer.WriteString("actor", entry.Actor);
                writer.WriteString("actorName", Accounts.UserNames.Display(entry.Actor, userNames));
                writer.WriteString("action", entry.Action);
                writer.WriteString("detail", entry.Detail);
                writer.WriteString("entryHash", entry.EntryHash);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static CustodyEntry ToCustody(AuditRecord a) => new(a.Sequence, a.At, a.Actor, a.Action, a.Detail, Convert.ToHexStringLower(a.Hash));

    internal static string? Field(string detail, string key)
    {
        foreach (var part in detail.Split(';'))
        {
            if (part.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return part[(key.Length + 1)..];
            }
        }

        return null;
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/tiff" => ".tif",
        "image/heif" => ".heif",
        _ => ".bin",
    };
}
