using System.Security.Cryptography;
using Haechi.Pipeline.Fetching;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// Queued → fetched: reads the URL (through <see cref="SafeFetcher"/>) or the file, keeps only images
/// and videos, computes the SHA-256 and seals the bytes. The sealed blob, the digest (exact repeats)
/// and the audit entry are written by the batch's commit (<see cref="IngestQueue.CommitStepsAsync"/>).
/// </summary>
internal sealed class FetchStep(SafeFetcher fetcher, ItemContent content, IngestionOptions options, TimeProvider time)
{
    public async Task RunAsync(ItemWork work, CancellationToken cancellationToken)
    {
        var item = work.Record;
        byte[] bytes;
        SniffedKind kind;
        if (item.Url is { } url)
        {
            var fetched = await fetcher.FetchAsync(new Uri(url), FetchPurpose.Media, cancellationToken).ConfigureAwait(false);
            if (fetched.Status != FetchStatus.Ok || fetched.Body is null)
            {
                var permanent = fetched.Status is FetchStatus.InvalidUrl or FetchStatus.BlockedPrivate or FetchStatus.TooLarge or FetchStatus.NotMedia;
                throw new StepFailedException(fetched.Status.Name(), permanent);
            }

            bytes = fetched.Body;
            kind = fetched.Kind;
        }
        else
        {
            var file = new FileInfo(item.FilePath!);
            if (!file.Exists)
            {
                throw new StepFailedException("file-missing", permanent: true);
            }

            if (file.Length > options.MaxFileBytes)
            {
                throw new StepFailedException("too-large", permanent: true);
            }

            bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            kind = ContentSniffer.Sniff(bytes.AsSpan(0, Math.Min(bytes.Length, ContentSniffer.PrefixLength)));
        }

        if (kind is not SniffedKind.Image and not SniffedKind.Video)
        {
            throw new StepFailedException("not-media", permanent: true);
        }

        item.Sha256 = SHA256.HashData(bytes);
        item.Length = bytes.Length;
        item.ContentKind = kind == SniffedKind.Video ? "video" : "image";
        item.FetchedAt = time.GetUtcNow();
        work.Bytes = bytes;
        work.Fetched = content.Seal(bytes, item.Id);
    }
}
