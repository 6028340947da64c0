using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Data;
using Haechi.Data.Audit;
using Haechi.Pipeline.Ingestion;
using Haechi.Server.Features.Accounts;
using Haechi.Server.Features.Evidence;
using Haechi.Server.Features.Investigations;
using Haechi.Server.Features.Review;
using Haechi.Server.Features.Takedowns;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Police;

/// <summary>
/// The evidence package of a police referral: a zip with the item's content (opened from the seal
/// only here, each piece audited as <c>evidence.revealed</c> by the downloading user), its
/// fingerprints (PDQ, SHA-256 and MD5 of every file, vPDQ frames of a video), every sighting
/// (provenance, other places, the noticed URLs with the notices sent, re-checks and host replies),
/// the custody entries (the audit log's entries for the item, its noticed URLs, their notices and
/// the referral, with user names) and a manifest.json with the SHA-256 of every file; the shared
/// <see cref="EvidenceZip"/> adds SHA256SUMS. The download is audited as <c>police.package-downloaded</c>.
/// </summary>
internal sealed class PoliceEvidencePackage(HaechiDbContext db, EvidenceViewer viewer, GetItemProvenance provenance, GetNoticeHistory history, UserNames names, AuditLog audit, TimeProvider time)
{
    public const string DownloadedAction = "police.package-downloaded";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The package of referral <paramref name="referralId"/>, or null when unknown.</summary>
    public async Task<CustodyExport?> ExecuteAsync(long referralId, string userId, CancellationToken cancellationToken)
    {
        var referral = await db.PoliceReferrals.AsNoTracking().SingleOrDefaultAsync(p => p.Id == referralId, cancellationToken).ConfigureAwait(false);
        if (referral is null)
        {
            return null;
        }

        var review = await db.ReviewItems.AsNoTracking().SingleAsync(r => r.Id == referral.ReviewItemId, cancellationToken).ConfigureAwait(false);

        // A later copy classified by an earlier decision opens the content of the item that was decided.
        var contentItemId = review.Status == ReviewStatus.AutoClassified && review.SameAsId is { } sameAs ? sameAs : review.Id;
        var c = CultureInfo.InvariantCulture;
        var files = new List<(string Name, byte[] Bytes)>();
        var fileFingerprints = new List<object>();
        foreach (var piece in await viewer.PiecesAsync(contentItemId, cancellationToken).ConfigureAwait(false))
        {
            // Audited as a reveal by the downloading user before the bytes go into the zip.
            var opened = await viewer.RevealAsync(contentItemId, piece.Index, userId, cancellationToken).ConfigureAwait(false);
            if (opened is null)
            {
                continue;
            }

            var name = string.Create(c, $"content/{piece.Index + 1}{Extension(opened.ContentType)}");
            files.Add((name, opened.Bytes));
            fileFingerprints.Add(new
            {
                file = name,
                contentType = opened.ContentType,
                bytes = opened.Bytes.LongLength,
                sha256 = Convert.ToHexStringLower(SHA256.HashData(opened.Bytes)),
#pragma warning disable CA5351 // MD5 is listed because hash lists (NCMEC, police) still exchange it; never used for security.
                md5 = Convert.ToHexStringLower(MD5.HashData(opened.Bytes)),
#pragma warning restore CA5351
            });
        }

        var frames = IngestSource.ItemId(review.SourceId) is { } ingestId
            ? await db.IngestItems.AsNoTracking().Where(i => i.Id == ingestId).Select(i => i.Frames).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var fingerprints = new
        {
            reviewItemId = review.Id,
            pdq = review.Pdq is { Length: 32 } pdq ? Hash256.ReadBigEndian(pdq).ToString() : null,
            sha256 = review.Sha256 is { Length: 32 } sha ? Convert.ToHexStringLower(sha) : null,
            files = fileFingerprints,
            vpdq = frames is { Length: > 0 } ? PackedFrames.Unpack(frames).Select(f => new { frame = f.FrameNumber, timestamp = f.Timestamp, quality = f.Quality, pdq = f.Hash.ToString() }).ToList() : null,
        };
        files.Add(("fingerprints.json", JsonSerializer.SerializeToUtf8Bytes(fingerprints, Json)));

        var seen = await provenance.ExecuteAsync(contentItemId, cancellationToken).ConfigureAwait(false);
        var notices = await history.ForReviewItemAsync(review.Id, cancellationToken).ConfigureAwait(false);
        var sightings = new { reviewItemUrl = review.Url, firstSeen = review.CreatedAt, provenance = seen, noticed = notices?.Items ?? [] };
        files.Add(("sightings.json", JsonSerializer.SerializeToUtf8Bytes(sightings, Json)));

        // Custody: the audit log's entries for the item, its noticed URLs, their notices and this referral.
        var noticedIds = notices?.Items.Select(i => i.Item.Id).ToList() ?? [];
        var noticeIds = notices?.Items.SelectMany(i => i.Notices.Select(n => n.NoticeId)).Distinct().ToList() ?? [];
        var subjects = new List<string> { "review-item:" + review.Id.ToString(c), CreatePoliceReferral.Subject(referral.Id) };
        if (contentItemId != review.Id)
        {
            subjects.Add("review-item:" + contentItemId.ToString(c));
        }

        subjects.AddRange(noticedIds.Select(id => "noticed-item:" + id.ToString(c)));
        subjects.AddRange(noticeIds.Select(id => "notice:" + id.ToString(c)));
        var entries = await db.AuditEntries.AsNoTracking().Where(a => subjects.Contains(a.Subject)).OrderBy(a => a.Sequence).ToListAsync(cancellationToken).ConfigureAwait(false);
        var userNames = await names.LookUpAsync(entries.Select(e => e.Actor).Append(referral.DecidedBy).Append(userId), cancellationToken).ConfigureAwait(false);
        var custody = new
        {
            note = "Rows of Haechi's hash-chained audit log (entryHash = SHA-256 over the previous entry's hash and this entry); 'haechi audit verify' checks the chain. The reveals for this package are among them.",
            entries = entries.Select(e => new { sequence = e.Sequence, at = e.At, actor = e.Actor, actorName = UserNames.Display(e.Actor, userNames), action = e.Action, subject = e.Subject, detail = e.Detail, entryHash = Convert.ToHexStringLower(e.Hash) }),
        };
        files.Add(("custody.json", JsonSerializer.SerializeToUtf8Bytes(custody, Json)));

        var now = time.GetUtcNow();
        var manifest = new
        {
            package = "haechi-police-referral",
            referralId = referral.Id,
            reviewItemId = review.Id,
            contentOfReviewItemId = contentItemId,
            noticedItemId = referral.NoticedItemId,
            caseId = referral.CaseId,
            origin = referral.Origin.ToString(),
            status = referral.Status.ToString(),
            decidedBy = UserNames.Display(referral.DecidedBy, userNames),
            reason = referral.Reason,
            createdAt = referral.CreatedAt,
            generatedAt = now,
            generatedBy = UserNames.Display(userId, userNames),
            files = files.Select(f => new { name = f.Name, bytes = f.Bytes.LongLength, sha256 = Convert.ToHexStringLower(SHA256.HashData(f.Bytes)) }),
        };
        files.Add(("manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, Json)));

        var (zip, zipSha) = await EvidenceZip.CreateAsync(files, now, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync("user:" + userId, DownloadedAction, CreatePoliceReferral.Subject(referral.Id),
            string.Create(c, $"zip-sha256={zipSha} files={files.Count} review-item={review.Id}"), cancellationToken).ConfigureAwait(false);
        return new CustodyExport(zip, zipSha, "haechi-police-referral-" + referral.Id.ToString(c) + ".zip");
    }

    private static string Extension(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/heif" => ".heif",
        "video/mp4" => ".mp4",
        "video/webm" => ".webm",
        "video/quicktime" => ".mov",
        _ => ".bin",
    };
}
