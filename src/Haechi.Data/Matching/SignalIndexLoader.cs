using Haechi.Core.Signals;
using Haechi.Core.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Video;
using Haechi.Data.Banks;

namespace Haechi.Data.Matching;

/// <summary>How an index was obtained.</summary>
public enum IndexSource
{
    /// <summary>Read from a snapshot whose checkpoint matched the store.</summary>
    Snapshot,

    /// <summary>Built from bank rows because there was no snapshot.</summary>
    BuiltNoSnapshot,

    /// <summary>Built from bank rows because the snapshot's checkpoint was behind the store.</summary>
    BuiltStale,

    /// <summary>Built from bank rows because the snapshot was damaged (checksum, truncation, version).</summary>
    BuiltCorrupt,
}

/// <summary>An index ready to search, with where it came from.</summary>
public sealed record LoadedIndex(HammingIndex Index, IndexCheckpoint Checkpoint, IndexSource Source, TimeSpan Elapsed);

/// <summary>
/// Loads the in-memory index of one signal type (for vPDQ: the frames of every video, under their
/// entry ids): from its snapshot file in the data directory when
/// the snapshot's checkpoint (last active entry id, active count) equals the store's, otherwise by
/// rebuilding from the bank rows and writing a fresh snapshot (atomically: temp file, fsync, rename).
/// </summary>
public sealed class SignalIndexLoader(string dataDirectory, TimeProvider time)
{
    /// <summary>The snapshot file of a signal type.</summary>
    public string SnapshotPath(SignalType signalType)
    {
        ArgumentNullException.ThrowIfNull(signalType);
        return Path.Combine(dataDirectory, "index", signalType.Name + ".index");
    }

    /// <summary>Loads or rebuilds the index for <paramref name="signalType"/>.</summary>
    public async Task<LoadedIndex> LoadAsync(BankStore store, SignalType signalType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var started = time.GetTimestamp();
        var (lastRowId, rowCount) = await store.GetCheckpointAsync(signalType, cancellationToken).ConfigureAwait(false);
        var current = new IndexCheckpoint(lastRowId, rowCount);
        var path = SnapshotPath(signalType);
        var source = IndexSource.BuiltNoSnapshot;
        if (File.Exists(path))
        {
            try
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
                var index = HammingIndex.ReadSnapshot(stream, out var stored);
                if (stored == current)
                {
                    return new LoadedIndex(index, stored, IndexSource.Snapshot, time.GetElapsedTime(started));
                }

                source = IndexSource.BuiltStale;
            }
            catch (IndexSnapshotCorruptException)
            {
                source = IndexSource.BuiltCorrupt;
            }
        }

        var codes = new List<Hash256>();
        var ids = new List<long>();
        if (signalType.Kind == ContentKind.Video)
        {
            // A video's frames are indexed under its entry id; weak frames never take part in a comparison.
            await foreach (var (id, signal) in store.ReadActiveFrameSignalsAsync(VpdqMatchOptions.DefaultMinQuality, cancellationToken).ConfigureAwait(false))
            {
                codes.Add(signal);
                ids.Add(id);
            }
        }
        else
        {
            await foreach (var (id, signal, _) in store.ReadActiveSignalsAsync(signalType, cancellationToken).ConfigureAwait(false))
            {
                codes.Add(signal);
                ids.Add(id);
            }
        }

        var built = HammingIndex.Build(codes.ToArray(), ids.ToArray());
        await WriteSnapshotAsync(built, current, path, cancellationToken).ConfigureAwait(false);
        return new LoadedIndex(built, current, source, time.GetElapsedTime(started));
    }

    private static async Task WriteSnapshotAsync(HammingIndex index, IndexCheckpoint checkpoint, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            index.WriteSnapshot(stream, checkpoint);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
#pragma warning disable CA1849 // fsync has no asynchronous form; the snapshot must be on disk before the rename.
            stream.Flush(flushToDisk: true);
#pragma warning restore CA1849
        }

        File.Move(temp, path, overwrite: true);
    }
}
