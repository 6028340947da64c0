using System.Globalization;
using Haechi.Core.Hashing;
using Haechi.Core.Signals;
using Haechi.Core.Video;

namespace Haechi.Data.Banks;

/// <summary>Video entries: vPDQ frames, near-identical runs collapsed.</summary>
public sealed partial class BankStore
{
    /// <summary>
    /// Adds videos to a vPDQ bank in one transaction. Each entry's signal is the SHA-256 of its
    /// stored frame hashes (a digest used for duplicate detection); the frames themselves are what
    /// the frame index searches. Returns entry ids as <see cref="AddEntriesAsync"/> does.
    /// </summary>
    /// <exception cref="BankStoreException">Unknown bank, a bank of another signal type, or an invalid entry.</exception>
    public async Task<AddEntriesResult> AddVideoEntriesAsync(string bankName, IReadOnlyList<NewVideoEntry> videos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var bank = await FindBankAsync(bankName, cancellationToken).ConfigureAwait(false);
        if (bank.SignalType != SignalType.Vpdq.Name)
        {
            throw new BankStoreException($"Bank '{bankName}' holds {bank.SignalType} signals; videos go into a vpdq bank.");
        }

        var stored = new List<List<VpdqFrame>>(videos.Count);
        var entries = new List<NewBankEntry>(videos.Count);
        for (var i = 0; i < videos.Count; i++)
        {
            var frames = VpdqDeduplicator.CollapseRuns([.. videos[i].Frames]);
            if (frames.Count == 0)
            {
                throw new BankStoreException(string.Create(CultureInfo.InvariantCulture, $"Entry {i + 1}: the video has no frames."));
            }

            stored.Add(frames);
            entries.Add(new NewBankEntry(VideoDigest(frames), MeanQuality(frames), videos[i].ExternalId, videos[i].Labels));
        }

        await using var owned = await BeginUnlessAmbientAsync(cancellationToken).ConfigureAwait(false);
        var result = await InsertEntriesAsync(bank, entries, db.Database.CurrentTransaction!, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < stored.Count; i++)
        {
            if (result.AddedIds[i] == 0)
            {
                continue;
            }

            foreach (var frame in stored[i])
            {
                db.BankEntryFrames.Add(new BankEntryFrameRecord
                {
                    EntryId = result.AddedIds[i],
                    FrameNumber = frame.FrameNumber,
                    Quality = frame.Quality,
                    Signal = ToBytes(frame.Hash),
                    Timestamp = frame.Timestamp,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static Hash256 VideoDigest(List<VpdqFrame> frames)
    {
        var bytes = new byte[frames.Count * 32];
        for (var i = 0; i < frames.Count; i++)
        {
            frames[i].Hash.WriteBigEndian(bytes.AsSpan(i * 32));
        }

        return Hash256.ReadBigEndian(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    private static int MeanQuality(List<VpdqFrame> frames)
    {
        long sum = 0;
        foreach (var frame in frames)
        {
            sum += frame.Quality;
        }

        return (int)(sum / frames.Count);
    }
}
