using System.Globalization;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Sealing;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Evidence;

/// <summary>Opened evidence: bytes and media type.</summary>
internal sealed record OpenedEvidence(byte[] Bytes, string ContentType)
{
    /// <summary>A video: shown with controls, never played by itself.</summary>
    public bool IsVideo => ContentType.StartsWith("video/", StringComparison.Ordinal);
}

/// <summary>What a report's attachment is (no content): a stored video's length, or a file that was not kept and why.</summary>
internal sealed record AttachmentView(string Kind, string Status, long? DeclaredBytes, long? MaxBytes, long? DurationMs)
{
    /// <summary>Whole seconds of a stored video (at least 1 when its length is known).</summary>
    public long? Seconds => DurationMs is { } ms ? Math.Max(1, (ms + 500) / 1000) : null;
}

/// <summary>
/// Opens the evidence of a review item for an analyst: the blurred grey preview, or, through an
/// audited reveal, the original. Every opening is appended to the audit log <em>before</em> the
/// bytes leave the server; items classified by an earlier decision are not opened.
/// </summary>
internal sealed class EvidenceViewer(HaechiDbContext db, ContentSealer sealer, AuditLog audit)
{
    /// <summary>The blurred grey preview (audited as <c>evidence.previewed</c>); null when the item has no evidence.</summary>
    public Task<OpenedEvidence?> PreviewAsync(long itemId, string userId, CancellationToken cancellationToken) =>
        OpenAsync(itemId, userId, preview: true, cancellationToken);

    /// <summary>The original (audited as <c>evidence.revealed</c>); null when the item has no evidence.</summary>
    public Task<OpenedEvidence?> RevealAsync(long itemId, string userId, CancellationToken cancellationToken) =>
        OpenAsync(itemId, userId, preview: false, cancellationToken);

    /// <summary>The attachment notes of the item's report (videos stored, files not kept); no content, so not audited.</summary>
    public async Task<IReadOnlyList<AttachmentView>> AttachmentsAsync(long itemId, CancellationToken cancellationToken)
    {
        var item = await db.ReviewItems.AsNoTracking().Where(r => r.Id == itemId && r.Kind == ReviewItemKind.Report)
            .Select(r => new { r.SourceId }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (item is null || !long.TryParse(item.SourceId, NumberStyles.None, CultureInfo.InvariantCulture, out var reportId))
        {
            return [];
        }

        return await db.ReportAttachments.AsNoTracking().Where(a => a.ReportId == reportId).OrderBy(a => a.Id)
            .Select(a => new AttachmentView(a.Kind, a.Status, a.DeclaredBytes, a.MaxBytes, a.DurationMs)).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<OpenedEvidence?> OpenAsync(long itemId, string userId, bool preview, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var item = await db.ReviewItems.AsNoTracking().Where(r => r.Id == itemId && r.Status != ReviewStatus.AutoClassified)
            .Select(r => new { r.EvidenceId }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (item?.EvidenceId is not { } evidenceId)
        {
            return null;
        }

        var evidence = await db.Evidence.AsNoTracking().Where(e => e.Id == evidenceId)
            .Select(e => new { e.ReportId, e.ContentType, Blob = preview ? e.SealedPreview : e.Sealed }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (evidence?.ReportId is not { } reportId)
        {
            return null;
        }

        var bytes = sealer.Open(evidence.Blob, EvidenceIntake.Context(reportId, preview));
        await audit.AppendAsync("user:" + userId, preview ? "evidence.previewed" : "evidence.revealed", "review-item:" + itemId.ToString(CultureInfo.InvariantCulture), "evidence=" + evidenceId.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return new OpenedEvidence(bytes, preview ? "image/jpeg" : evidence.ContentType);
    }
}
