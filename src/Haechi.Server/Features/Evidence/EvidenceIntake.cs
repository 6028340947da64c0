using System.Globalization;
using System.Text;
using Haechi.Core.Hashing;
using Haechi.Core.Review;
using Haechi.Core.Signals;
using Haechi.Data.Review;
using Haechi.Data.Sealing;
using Haechi.Media;
using Haechi.Media.Images;
using Haechi.Media.Vision;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;
using Haechi.Server.Features.Reports;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Evidence;

/// <summary>A screenshot checked and fingerprinted in memory, not yet stored.</summary>
internal sealed record CheckedEvidence(byte[] Bytes, string ContentType, int Width, int Height, Hash256 Pdq, int Quality, byte[] Md5, byte[] Sha256, byte[] Preview, ImageBankMatch? BankMatch)
{
    /// <summary>The faces of the screenshot against every face bank (null when faces are off or no face bank exists).</summary>
    public VisionResult? Seen { get; init; }

    /// <summary>The review priority its face match gives (a victim's own face: the top tier), 0 without one.</summary>
    public double FacePriority => Seen is { Match: { } face } seen
        ? seen.IsVictimFace ? ReviewPriority.ComputeVictimFace(face.Similarity, seen.Nudity ?? 0) : ReviewPriority.Compute(MatchSignal.Face, face.Similarity, seen.Nudity ?? 0)
        : 0;

    /// <summary>The review priority its bank match gives, 0 without one.</summary>
    public double BankPriority => BankMatch is { } match ? ReviewPriority.Compute(match.SignalType == SignalType.Pdq ? MatchSignal.Pdq : MatchSignal.View, match.Strength, Seen?.Nudity ?? 0) : 0;
}

/// <summary>
/// Evidence screenshots of public reports: each file is size-checked, decoded by libvips (a file
/// that is not a whole, reasonable image is refused before anything is stored), fingerprinted
/// (PDQ with its dihedral hashes, MD5, SHA-256, and keypoints when victims opted in) and matched against the
/// banks; its faces are matched against every face bank (victims' own faces first: the same
/// <see cref="IngestVision"/> as ingestion, so a report's screenshot of a new deepfake of her is
/// found as her face); a blurred grey preview is made. They are
/// stored sealed (AES-256-GCM, <see cref="ContentSealer"/>) in the report's own transaction, and the
/// report's review item takes the first screenshot's fingerprints and the strongest bank match.
/// </summary>
internal sealed class EvidenceIntake(IOptions<EvidenceOptions> options, ContentSealer sealer, Matcher matcher, TimeProvider time, IngestVision vision)
{
    /// <summary>The content type of each libvips loader Haechi accepts (shared with the investigators' uploads).</summary>
    internal static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["jpegload"] = "image/jpeg",
        ["pngload"] = "image/png",
        ["gifload"] = "image/gif",
        ["webpload"] = "image/webp",
        ["tiffload"] = "image/tiff",
        ["heifload"] = "image/heif",
    };

    /// <summary>An evidence file of report <paramref name="reportId"/>, its original and preview sealed with the current key.</summary>
    public static EvidenceRecord Seal(ContentSealer sealer, long reportId, string contentType, byte[] bytes, int width, int height, byte[] preview, DateTimeOffset createdAt) => new()
    {
        ReportId = reportId,
        ContentType = contentType,
        Length = bytes.Length,
        Width = width,
        Height = height,
        KeyId = sealer.CurrentKeyId,
        Sealed = sealer.Seal(bytes, Context(reportId, preview: false)),
        SealedPreview = sealer.Seal(preview, Context(reportId, preview: true)),
        CreatedAt = createdAt,
    };

    /// <summary>The sealing context of an evidence file: bound to its report, so a blob moved to another report does not open.</summary>
    public static byte[] Context(long reportId, bool preview) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"haechi-evidence-v1|{(preview ? "preview" : "original")}|report:{reportId}"));

    /// <summary>Reads and checks the files; errors are keyed <c>evidence</c> and name the file by its position only.</summary>
    public async Task<(List<CheckedEvidence> Evidence, Dictionary<string, string[]> Errors)> CheckAsync(IReadOnlyList<IFormFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var limits = options.Value;
        var errors = new List<string>();
        var evidence = new List<CheckedEvidence>(files.Count);
        if (files.Count > limits.MaxFiles)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"At most {limits.MaxFiles} screenshots per report."));
            return (evidence, new Dictionary<string, string[]> { ["evidence"] = [.. errors] });
        }

        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (file.Length == 0)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Screenshot {i + 1} is empty."));
                continue;
            }

            if (file.Length > limits.MaxFileBytes)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Screenshot {i + 1} is larger than {limits.MaxFileBytes / (1024 * 1024)} MB."));
                continue;
            }

            var bytes = new byte[file.Length];
            var stream = file.OpenReadStream();
            await using (stream.ConfigureAwait(false))
            {
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            var (checkedFile, fingerprint, problem) = Check(bytes);
            if (checkedFile is not null)
            {
                // The entry any index finds, through the one matcher, linked as ingestion links it (confirmed content first, else the strongest).
                var matches = await matcher.MatchImageAsync(fingerprint!, MatchFilter.Default, cancellationToken).ConfigureAwait(false);
                checkedFile = checkedFile with { BankMatch = matches.Count == 0 ? null : ConfirmedContent.Linked(matches), Seen = SeeFaces(bytes) };
            }

            if (checkedFile is null)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"Screenshot {i + 1} is not a usable image: {problem}"));
                continue;
            }

            evidence.Add(checkedFile);
        }

        return errors.Count == 0 ? (evidence, []) : ([], new Dictionary<string, string[]> { ["evidence"] = [.. errors] });
    }

    private (CheckedEvidence? Evidence, ImageFingerprint? Fingerprint, string? Problem) Check(byte[] bytes)
    {
        try
        {
            // One decode for every signal the matcher searches: dihedral PDQ (mirrored and rotated
            // copies), the query views when entries keep views (victims' crops), and the keypoints
            // when any entry keeps them (victims who opted in), plus the file digests.
            var fingerprint = matcher.Fingerprinter().Fingerprint(bytes, matcher.QueryParts | FingerprintParts.FileDigests);
            var preview = ScanPreview.Jpeg(bytes, options.Value.PreviewSide, reveal: false);
            var evidence = new CheckedEvidence(
                bytes,
                ContentTypes.GetValueOrDefault(fingerprint.Loader ?? string.Empty, "application/octet-stream"),
                fingerprint.Width,
                fingerprint.Height,
                fingerprint.Pdq,
                fingerprint.Quality,
                Convert.FromHexString(fingerprint.Md5!),
                Convert.FromHexString(fingerprint.Sha256!),
                preview,
                null);
            return (evidence, fingerprint, null);
        }
        catch (ImageDecodeException ex)
        {
            return (null, null, ex.Message);
        }
        catch (MediaException)
        {
            return (null, null, "the file could not be decoded.");
        }
    }

    // Faces against every face bank of the embedder's model, only when there is one (no enrolled face: nothing to find).
    private VisionResult? SeeFaces(byte[] bytes)
    {
        if (vision.EmbeddingModel is not { } model || matcher.FaceBanks(model) is not { Count: > 0 } banks)
        {
            return null;
        }

        try
        {
            return vision.Analyse(bytes, banks, IngestionOptions.Default.FaceThreshold, IngestionOptions.Default.ImageDecode);
        }
        catch (ImageDecodeException)
        {
            return null;
        }
    }

    /// <summary>The review signal of an image match: "pdq" for the photo's hash (or a mirror of it), "view" for a registered view or keypoints.</summary>
    public static string SignalName(ImageBankMatch match) => match.SignalType == SignalType.Pdq ? "pdq" : "view";

    /// <summary>What <see cref="ReportIntake"/> runs in the report's transaction: the sealed evidence rows, then the review item.</summary>
    public ReportAttachments Attach(IReadOnlyList<CheckedEvidence> evidence) => async (db, report, cancellationToken) =>
    {
        var item = new ReviewItemInput(ReviewItemKind.Report, report.Id.ToString(CultureInfo.InvariantCulture), PossibleMinor: report.PossibleMinor);
        if (evidence.Count == 0)
        {
            return item;
        }

        var records = new List<EvidenceRecord>(evidence.Count);
        foreach (var file in evidence)
        {
            var record = Seal(sealer, report.Id, file.ContentType, file.Bytes, file.Width, file.Height, file.Preview, time.GetUtcNow());
            records.Add(record);
            db.Evidence.Add(record);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var first = evidence[0];
        var strongest = -1;
        for (var i = 0; i < evidence.Count; i++)
        {
            if (evidence[i].BankMatch is { } match && (strongest < 0 || match.Strength > evidence[strongest].BankMatch!.Strength))
            {
                strongest = i;
            }
        }

        // A face match that outranks every bank match (a victim's own face always does) queues the report as a face item, linked through her entry.
        var face = -1;
        for (var i = 0; i < evidence.Count; i++)
        {
            if (evidence[i].FacePriority > 0 && evidence[i].FacePriority > (face < 0 ? 0 : evidence[face].FacePriority))
            {
                face = i;
            }
        }

        if (face >= 0 && evidence[face].FacePriority > (strongest < 0 ? 0 : evidence[strongest].BankPriority))
        {
            var seen = evidence[face].Seen!;
            return item with
            {
                EvidenceId = records[face].Id,
                Sha256 = evidence[face].Sha256,
                Md5 = evidence[face].Md5,
                Pdq = evidence[face].Pdq,
                PdqQuality = evidence[face].Quality,
                MatchStrength = seen.Match!.Value.Similarity,
                MatchedEntryId = seen.Match.Value.Id,
                Signal = ReviewPriority.Name(MatchSignal.Face),
                NudityScore = seen.Nudity ?? 0,
                Priority = evidence[face].FacePriority,
            };
        }

        return item with
        {
            EvidenceId = records[strongest < 0 ? 0 : strongest].Id,
            Sha256 = strongest < 0 ? first.Sha256 : evidence[strongest].Sha256,
            Md5 = strongest < 0 ? first.Md5 : evidence[strongest].Md5,
            Pdq = strongest < 0 ? first.Pdq : evidence[strongest].Pdq,
            PdqQuality = strongest < 0 ? first.Quality : evidence[strongest].Quality,
            MatchStrength = strongest < 0 ? 0 : evidence[strongest].BankMatch!.Strength,
            MatchedEntryId = strongest < 0 ? null : evidence[strongest].BankMatch!.Entry.Id,
            Signal = strongest < 0 ? null : SignalName(evidence[strongest].BankMatch!),
        };
    };
}
