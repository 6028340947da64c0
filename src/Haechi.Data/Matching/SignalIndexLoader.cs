using Haechi.Core.Hashing;
using Haechi.Core.Matching;
using Haechi.Core.Signals;
using Haechi.Core.Video;
using Haechi.Data.Banks;

namespace Haechi.Data.Matching;

/// <summary>How an index was obtained.</summary>
public enum IndexSource
{
    /// <summary>Read from a snapshot that was current with the store.</summary>
    Snapshot,

    /// <summary>Read from a snapshot, then brought up to date with the changes committed after it.</summary>
    SnapshotCaughtUp,

    /// <summary>Built from bank rows because there was no snapshot.</summary>
    BuiltNoSnapshot,

    /// <summary>Built from bank rows because the snapshot's checkpoint did not fit the store (ahead of its change log, or older than the pruned part of it).</summary>
    BuiltStale,

    /// <summary>Built from bank rows because the snapshot was damaged (checksum, truncation, version).</summary>
    BuiltCorrupt,
}

/// <summary>An index ready to search, with where it came from. <see cref="IndexCheckpoint.LastRowId"/> is the last bank change it holds.</summary>
public sealed record LoadedIndex(HammingIndex Index, IndexCheckpoint Checkpoint, IndexSource Source, TimeSpan Elapsed);

/// <summary>
/// Loads the in-memory Hamming index of one signal type (PDQ; for vPDQ the frames of every video,
/// under their entry ids). The checkpoint of an index is the last bank change it holds (the change
/// log's id) and its number of entries. A snapshot in the data directory is used when its change
/// is not ahead of the store's change log: the changes committed after it are applied
/// (<see cref="HammingIndexChanges"/>) and, when there were any, a fresh snapshot is written.
/// Otherwise the index is rebuilt from the bank rows, read in one transaction with the change id
/// they correspond to, and a fresh snapshot is written (atomically: temp file, fsync, rename).
/// </summary>
public sealed class SignalIndexLoader(string dataDirectory, TimeProvider time)
{
    /// <summary>Changes applied per read while catching up.</summary>
    public const int ChangeBatch = 5000;

    /// <summary>The snapshot file of a signal type.</summary>
    public string SnapshotPath(SignalType signalType)
    {
        ArgumentNullException.ThrowIfNull(signalType);
        return Path.Combine(dataDirectory, "index", signalType.Name + ".index");
    }

    /// <summary>Loads, catches up or rebuilds the index for <paramref name="signalType"/> (pdq or vpdq).</summary>
    public async Task<LoadedIndex> LoadAsync(BankSignalReader reader, SignalType signalType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(signalType);
        var started = time.GetTimestamp();
        var path = SnapshotPath(signalType);
        var source = IndexSource.BuiltNoSnapshot;
        if (File.Exists(path))
        {
            try
            {
                HammingIndex index;
                IndexCheckpoint stored;
                await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
                {
                    index = HammingIndex.ReadSnapshot(stream, out stored);
                }

                var lastChange = await reader.GetLastChangeIdAsync(cancellationToken).ConfigureAwait(false);
                if (stored.LastRowId <= lastChange)
                {
                    var applied = 0;
                    var at = stored.LastRowId;
                    var pruned = false;
                    while (true)
                    {
                        var changes = await reader.ReadChangesAsync(at, ChangeBatch, cancellationToken).ConfigureAwait(false);
                        if (changes.Count == 0)
                        {
                            break;
                        }

                        // The log was pruned past the snapshot's checkpoint: what it missed is gone, so rebuild.
                        if (HammingIndexChanges.PrunedAfter(changes, at) is not null)
                        {
                            pruned = true;
                            break;
                        }

                        applied += await HammingIndexChanges.ApplyAsync(reader, index, signalType, changes, at, cancellationToken).ConfigureAwait(false);
                        at = changes[^1].Id;
                    }

                    if (!pruned)
                    {
                        var checkpoint = new IndexCheckpoint(at, index.Count);
                        if (at != stored.LastRowId)
                        {
                            // Withdrawn entries leave the snapshot for good (not as tombstones: their codes would stay in the file).
                            if (index.RemovedCount > 0)
                            {
                                index.Compact();
                            }

                            await WriteSnapshotAsync(index, checkpoint, path, cancellationToken).ConfigureAwait(false);
                        }

                        return new LoadedIndex(index, checkpoint, applied == 0 && at == stored.LastRowId ? IndexSource.Snapshot : IndexSource.SnapshotCaughtUp, time.GetElapsedTime(started));
                    }
                }

                source = IndexSource.BuiltStale;
            }
            catch (IndexSnapshotCorruptException)
            {
                source = IndexSource.BuiltCorrupt;
            }
        }

        var built = await BuildAsync(reader, signalType, cancellationToken).ConfigureAwait(false);
        await WriteSnapshotAsync(built.Index, built.Checkpoint, path, cancellationToken).ConfigureAwait(false);
        return new LoadedIndex(built.Index, built.Checkpoint, source, time.GetElapsedTime(started));
    }

    /// <summary>Builds the index from the bank rows, with the change id the rows correspond to (read in one transaction).</summary>
    public static async Task<(HammingIndex Index, IndexCheckpoint Checkpoint)> BuildAsync(BankSignalReader reader, SignalType signalType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(signalType);
        return await BankReadSnapshot.ReadAsync(reader, async lastChange =>
        {
            var codes = new List<Hash256>();
            var ids = new List<long>();
            if (signalType.Kind == ContentKind.Video)
            {
                // A video's frames are indexed under its entry id; weak frames never take part in a comparison.
                await foreach (var (id, signal) in reader.ReadActiveFrameSignalsAsync(VpdqMatchOptions.DefaultMinQuality, null, cancellationToken).ConfigureAwait(false))
                {
                    codes.Add(signal);
                    ids.Add(id);
                }
            }
            else
            {
                await foreach (var (id, signal, _) in reader.ReadActiveSignalsAsync(signalType, null, cancellationToken).ConfigureAwait(false))
                {
                    codes.Add(signal);
                    ids.Add(id);
                }
            }

            var index = HammingIndex.Build(codes.ToArray(), ids.ToArray());
            return (index, new IndexCheckpoint(lastChange, index.Count));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a snapshot atomically (temp file, fsync, rename).</summary>
    public static async Task WriteSnapshotAsync(HammingIndex index, IndexCheckpoint checkpoint, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
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
