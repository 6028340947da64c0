using System.Globalization;
using System.Text;
using Haechi.Data;
using Haechi.Data.Sealing;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Ingestion;

/// <summary>How a fetched item's bytes are sealed: what the review pages need to open them again (after an audit entry).</summary>
public static class IngestContentSealing
{
    /// <summary>The associated data a fetched item's bytes are sealed with: a blob moved to another item does not open.</summary>
    public static byte[] Context(long itemId) => Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"ingest-item:{itemId}"));
}

/// <summary>An item's bytes: sealed at rest with the item's own context, opened again by the steps after the fetch's batch.</summary>
internal sealed class ItemContent(Func<CancellationToken, Task<HaechiDbContext>> openContext, ContentSealer sealer)
{
    /// <summary>The associated data a fetched item's bytes are sealed with: a blob moved to another item does not open.</summary>
    public static byte[] SealingContext(long itemId) => IngestContentSealing.Context(itemId);

    /// <summary>Seals bytes fetched for <paramref name="itemId"/>.</summary>
    public byte[] Seal(byte[] bytes, long itemId) => sealer.Seal(bytes, SealingContext(itemId));

    /// <summary>The bytes in memory, or opened from the store (kept for the next step).</summary>
    public async Task<byte[]> GetAsync(ItemWork work, CancellationToken cancellationToken)
    {
        if (work.Bytes is { } bytes)
        {
            return bytes;
        }

        await using var db = await openContext(cancellationToken).ConfigureAwait(false);
        var itemId = work.Record.Id;
        var sealedBlob = await db.IngestContents.AsNoTracking().Where(c => c.ItemId == itemId).Select(c => c.Sealed)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw new StepFailedException("content-missing", permanent: true);
        try
        {
            return work.Bytes = sealer.Open(sealedBlob, SealingContext(itemId));
        }
        catch (SealedContentException)
        {
            throw new StepFailedException("sealed-content-damaged", permanent: true);
        }
    }
}
