using System.Globalization;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Data.Sealing;
using Haechi.Media;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
/// One piece of content behind a review item (no bytes): a report's screenshot or video (evidence),
/// or the sealed bytes the ingestion pipeline fetched (a web page's media, a Telegram post's media, a seized file).
/// </summary>
internal sealed record ContentPiece(int Index, bool IsVideo, long? EvidenceId, long? IngestItemId);

/// <summary>
/// Opens the content of a review item for an analyst: the blurred grey preview (or, for a video, a
/// strip of blurred keyframes), or, through an audited reveal, the original. A report opens every
/// screenshot it carries, an ingested item the bytes its fetch sealed. Every opening is appended to
/// the audit log (who, which item, which piece; never content) <em>before</em> the bytes leave the
/// server; items classified by an earlier decision are not opened.
/// </summary>
internal sealed class EvidenceViewer(HaechiDbContext db, ContentSealer sealer, AuditLog audit, IOptions<EvidenceOptions> options)
{
    /// <summary>Keyframes in a video's strip.</summary>
    public const int KeyframeCount = 6;

    /// <summary>The blurred grey preview (audited as <c>evidence.previewed</c>) of the item's first piece (a report: the screenshot that queued it); null when the item has no content.</summary>
    public Task<OpenedEvidence?> PreviewAsync(long itemId, string userId, CancellationToken cancellationToken) =>
        OpenAsync(itemId, null, userId, preview: true, cancellationToken);

    /// <summary>The original (audited as <c>evidence.revealed</c>) of the item's first piece; null when the item has no content.</summary>
    public Task<OpenedEvidence?> RevealAsync(long itemId, string userId, CancellationToken cancellationToken) =>
        OpenAsync(itemId, null, userId, preview: false, cancellationToken);

    /// <summary>The blurred grey preview of piece <paramref name="index"/> (audited); for a video its first keyframe; null when there is no such piece.</summary>
    public Task<OpenedEvidence?> PreviewAsync(long itemId, int index, string userId, CancellationToken cancellationToken) =>
        OpenAsync(itemId, index, userId, preview: true, cancellationToken);

    /// <summary>The original of piece <paramref name="index"/> (audited); null when there is no such piece.</summary>
    public Task<OpenedEvidence?> RevealAsync(long itemId, int index, string userId, CancellationToken cancellationToken) =>
        OpenAsync(itemId, index, userId, preview: false, cancellationToken);

    /// <summary>The pieces of content behind the item, in order (no content, so not audited); empty when none or when the item was classified without review.</summary>
    public async Task<IReadOnlyList<ContentPiece>> PiecesAsync(long itemId, CancellationToken cancellationToken)
    {
        var item = await db.ReviewItems.AsNoTracking().Where(r => r.Id == itemId && r.Status != ReviewStatus.AutoClassified)
            .Select(r => new { r.Kind, r.SourceId, r.EvidenceId }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            return [];
        }

        if (item.Kind == ReviewItemKind.Report && long.TryParse(item.SourceId, NumberStyles.None, CultureInfo.InvariantCulture, out var reportId))
        {
            var files = await db.Evidence.AsNoTracking().Where(e => e.ReportId == reportId).OrderBy(e => e.Id)
                .Select(e => new { e.Id, e.ContentType }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. files.Select((f, i) => new ContentPiece(i, f.ContentType.StartsWith("video/", StringComparison.Ordinal), f.Id, null))];
        }

        if (item.EvidenceId is { } evidenceId)
        {
            var contentType = await db.Evidence.AsNoTracking().Where(e => e.Id == evidenceId).Select(e => e.ContentType).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return contentType is null ? [] : [new ContentPiece(0, contentType.StartsWith("video/", StringComparison.Ordinal), evidenceId, null)];
        }

        if (IngestSource.ItemId(item.SourceId) is { } ingestId)
        {
            var kind = await db.IngestItems.AsNoTracking().Where(i => i.Id == ingestId && db.IngestContents.Any(c => c.ItemId == i.Id))
                .Select(i => new { i.ContentKind }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return kind is null ? [] : [new ContentPiece(0, kind.ContentKind == "video", null, ingestId)];
        }

        return [];
    }

    /// <summary>
    /// The keyframes of video piece <paramref name="index"/>: blurred and grey, or sharp when
    /// <paramref name="sharp"/> (audited as <c>evidence.revealed</c>, else <c>evidence.previewed</c>).
    /// Null when there is no such video piece; empty when the video cannot be decoded.
    /// </summary>
    public async Task<IReadOnlyList<ReviewKeyframe>?> KeyframesAsync(long itemId, int index, string userId, bool sharp, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var pieces = await PiecesAsync(itemId, cancellationToken).ConfigureAwait(false);
        if (index < 0 || index >= pieces.Count || !pieces[index].IsVideo)
        {
            return null;
        }

        var original = await OriginalAsync(pieces[index], cancellationToken).ConfigureAwait(false);
        if (original is null)
        {
            return null;
        }

        var keyframes = await Task.Run(() => Keyframes(original.Bytes, KeyframeCount, sharp ? options.Value.PreviewSide * 2 : options.Value.PreviewSide, sharp, cancellationToken), cancellationToken).ConfigureAwait(false);
        await AuditAsync(itemId, pieces[index], userId, preview: !sharp, "keyframes=" + keyframes.Count.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return keyframes;
    }

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

    /// <summary>The media type of fetched bytes, from their first bytes (what the reveal sends and the browser shows).</summary>
    public static string Sniff(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "image/png"
        : bytes.StartsWith("GIF8"u8) ? "image/gif"
        : bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : bytes.Length >= 12 && bytes[4..8].SequenceEqual("ftyp"u8) ? (bytes[8..12].SequenceEqual("heic"u8) || bytes[8..12].SequenceEqual("avif"u8) ? "image/heif" : "video/mp4")
        : bytes.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]) ? "video/webm"
        : "application/octet-stream";

    private async Task<OpenedEvidence?> OpenAsync(long itemId, int? index, string userId, bool preview, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var pieces = await PiecesAsync(itemId, cancellationToken).ConfigureAwait(false);
        ContentPiece? piece;
        if (index is { } i)
        {
            piece = i >= 0 && i < pieces.Count ? pieces[i] : null;
        }
        else
        {
            // Without an index: the screenshot that queued the item (the strongest match), as before several were shown.
            var queued = await db.ReviewItems.AsNoTracking().Where(r => r.Id == itemId).Select(r => r.EvidenceId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            piece = pieces.FirstOrDefault(p => queued is not null && p.EvidenceId == queued) ?? (pieces.Count > 0 ? pieces[0] : null);
        }

        if (piece is null)
        {
            return null;
        }

        OpenedEvidence? opened;
        if (preview && piece.EvidenceId is { } evidenceId)
        {
            var evidence = await db.Evidence.AsNoTracking().Where(e => e.Id == evidenceId)
                .Select(e => new { e.ReportId, e.SealedPreview }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            opened = evidence?.ReportId is { } reportId ? new OpenedEvidence(sealer.Open(evidence.SealedPreview, EvidenceIntake.Context(reportId, preview: true)), "image/jpeg") : null;
        }
        else
        {
            opened = await OriginalAsync(piece, cancellationToken).ConfigureAwait(false);
            if (opened is not null && preview)
            {
                opened = await Task.Run(() => BlurredPreview(piece, opened.Bytes, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }

        if (opened is null)
        {
            return null;
        }

        await AuditAsync(itemId, piece, userId, preview, null, cancellationToken).ConfigureAwait(false);
        return opened;
    }

    private async Task<OpenedEvidence?> OriginalAsync(ContentPiece piece, CancellationToken cancellationToken)
    {
        if (piece.EvidenceId is { } evidenceId)
        {
            var evidence = await db.Evidence.AsNoTracking().Where(e => e.Id == evidenceId)
                .Select(e => new { e.ReportId, e.ContentType, e.Sealed }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return evidence?.ReportId is { } reportId ? new OpenedEvidence(sealer.Open(evidence.Sealed, EvidenceIntake.Context(reportId, preview: false)), evidence.ContentType) : null;
        }

        var itemId = piece.IngestItemId!.Value;
        var blob = await db.IngestContents.AsNoTracking().Where(c => c.ItemId == itemId).Select(c => c.Sealed).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return null;
        }

        var bytes = sealer.Open(blob, IngestContentSealing.Context(itemId));
        return new OpenedEvidence(bytes, Sniff(bytes));
    }

    // The one grey blur, made when asked: ingested content keeps only its sealed original.
    private OpenedEvidence? BlurredPreview(ContentPiece piece, byte[] original, CancellationToken cancellationToken)
    {
        try
        {
            if (piece.IsVideo)
            {
                var first = Keyframes(original, 1, options.Value.PreviewSide, sharp: false, cancellationToken);
                return first.Count == 0 ? null : new OpenedEvidence(first[0].Jpeg, "image/jpeg");
            }

            return new OpenedEvidence(GreyBlur.Jpeg(original, options.Value.PreviewSide), "image/jpeg");
        }
        catch (MediaException)
        {
            return null;
        }
    }

    private static IReadOnlyList<ReviewKeyframe> Keyframes(byte[] video, int count, int maxSide, bool sharp, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("haechi-review-video-");
        try
        {
            var path = Path.Combine(directory.FullName, "item.video");
            File.WriteAllBytes(path, video);
            return VideoKeyframes.Extract(path, count, maxSide, sharp, cancellationToken: cancellationToken);
        }
        catch (MediaException)
        {
            return [];
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task AuditAsync(long itemId, ContentPiece piece, string userId, bool preview, string? extra, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        var detail = piece.EvidenceId is { } evidenceId ? string.Create(c, $"evidence={evidenceId}") : string.Create(c, $"ingest-item={piece.IngestItemId}");
        detail += string.Create(c, $" piece={piece.Index}") + (extra is null ? string.Empty : " " + extra);
        await audit.AppendAsync("user:" + userId, preview ? "evidence.previewed" : "evidence.revealed", "review-item:" + itemId.ToString(c), detail, cancellationToken).ConfigureAwait(false);
    }
}
