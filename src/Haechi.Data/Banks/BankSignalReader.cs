using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Haechi.Core.Banks;
using Haechi.Core.Faces;
using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Core.Signals;
using Haechi.Core.Video;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Haechi.Data.Banks;

/// <summary>One row of the bank change log, with the signal type of the entry's bank.</summary>
/// <param name="Id">Change id (increasing in commit order).</param>
/// <param name="EntryId">The entry added or withdrawn.</param>
/// <param name="SignalType">The <see cref="SignalType.Name"/> of the entry's bank.</param>
/// <param name="Kind">Added or withdrawn.</param>
public readonly record struct BankChange(long Id, long EntryId, string SignalType, BankChangeKind Kind);

/// <summary>
/// What indexes and matchers read from the banks: the active signals of each signal type (all of
/// them, or only some entries when a change is applied), the bank change log, and the entries a
/// match names. Writes live in <see cref="BankStore"/>. One instance per context; not thread-safe.
/// </summary>
public sealed class BankSignalReader(HaechiDbContext db, Sealing.ContentSealer? sealer = null)
{
    /// <summary>The context read from (index hosts clear its tracker between refreshes).</summary>
    public HaechiDbContext Context => db;

    /// <summary>The id of the last committed change (0 when the log is empty).</summary>
    public async Task<long> GetLastChangeIdAsync(CancellationToken cancellationToken) =>
        await db.BankChanges.AsNoTracking().MaxAsync(c => (long?)c.Id, cancellationToken).ConfigureAwait(false) ?? 0;

    /// <summary>Active entries of one signal type (for the checkpoint's count).</summary>
    public async Task<long> CountActiveAsync(SignalType signalType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signalType);
        return await db.BankEntries.AsNoTracking().LongCountAsync(e => e.State == BankEntryState.Active && e.Bank!.SignalType == signalType.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Active entries of the named banks.</summary>
    public async Task<long> CountActiveAsync(IReadOnlySet<string> banks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(banks);
        var names = banks.ToList();
        return await db.BankEntries.AsNoTracking().LongCountAsync(e => e.State == BankEntryState.Active && names.Contains(e.Bank!.Name), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="max"/> changes after <paramref name="afterId"/>, in id order.</summary>
    public async Task<List<BankChange>> ReadChangesAsync(long afterId, int max, CancellationToken cancellationToken)
    {
        var rows = await db.BankChanges.AsNoTracking().Where(c => c.Id > afterId).OrderBy(c => c.Id).Take(max)
            .Join(db.Banks.AsNoTracking(), c => c.BankId, b => b.Id, (c, b) => new { c.Id, c.EntryId, b.SignalType, c.Kind })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var changes = new List<BankChange>(rows.Count);
        foreach (var row in rows)
        {
            changes.Add(new BankChange(row.Id, row.EntryId, row.SignalType, row.Kind));
        }

        return changes;
    }

    /// <summary>Active signals of one type in every bank (only <paramref name="entryIds"/> when given), in id order: what an index is built from.</summary>
    public async IAsyncEnumerable<(long Id, Hash256 Signal, int Quality)> ReadActiveSignalsAsync(SignalType signalType, IReadOnlyCollection<long>? entryIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signalType);
        await using var command = await CommandAsync("SELECT e.id, e.signal, e.quality FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE b.signal_type = @type AND e.state = 0" + InList("e.id", entryIds) + " ORDER BY e.id", cancellationToken).ConfigureAwait(false);
        BankStore.Parameter(command, "@type", signalType.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Read the whole value: Microsoft.Data.Sqlite's streaming GetBytes can map a UNION row to the wrong source row.
            var signal = await reader.GetFieldValueAsync<byte[]>(1, cancellationToken).ConfigureAwait(false);
            yield return (reader.GetInt64(0), Hash256.ReadBigEndian(signal), reader.GetInt32(2));
        }
    }

    /// <summary>
    /// Frames (quality ≥ <paramref name="minQuality"/>) of every active video entry in every vPDQ bank
    /// (only <paramref name="entryIds"/> when given), each with its entry id: what the frame index is built from.
    /// </summary>
    public async IAsyncEnumerable<(long EntryId, Hash256 Signal)> ReadActiveFrameSignalsAsync(int minQuality, IReadOnlyCollection<long>? entryIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync("SELECT f.entry_id, f.signal FROM bank_entry_frames f JOIN bank_entries e ON e.id = f.entry_id WHERE e.state = 0 AND f.quality >= @quality" + InList("f.entry_id", entryIds) + " ORDER BY f.id", cancellationToken).ConfigureAwait(false);
        BankStore.Parameter(command, "@quality", minQuality);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var signal = await reader.GetFieldValueAsync<byte[]>(1, cancellationToken).ConfigureAwait(false);
            yield return (reader.GetInt64(0), Hash256.ReadBigEndian(signal));
        }
    }

    /// <summary>
    /// Every view of every active entry in PDQ banks that keep extra signals, and of entries that carry
    /// views of their own (victims' photos), grouped by entry id (only <paramref name="entryIds"/> when
    /// given): the whole-image PDQ (<see cref="ViewKind.Whole"/>) first, then the extra views.
    /// </summary>
    public async IAsyncEnumerable<(long EntryId, RobustView View)> ReadActiveViewsAsync(IReadOnlyCollection<long>? entryIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(
            "SELECT e.id, 0, e.quality, e.signal FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE e.state = 0 AND b.signal_type = 'pdq' " +
            "AND (b.extra_signals <> 0 OR EXISTS (SELECT 1 FROM bank_entry_views x WHERE x.entry_id = e.id))" + InList("e.id", entryIds) + " " +
            "UNION ALL SELECT v.entry_id, v.kind, v.quality, v.signal FROM bank_entry_views v JOIN bank_entries e ON e.id = v.entry_id WHERE e.state = 0" + InList("v.entry_id", entryIds) + " " +
            "ORDER BY 1, 2",
            cancellationToken).ConfigureAwait(false);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            // Read the whole value: Microsoft.Data.Sqlite's streaming GetBytes can map a UNION row to the wrong source row.
            var signal = await reader.GetFieldValueAsync<byte[]>(3, cancellationToken).ConfigureAwait(false);
            yield return (reader.GetInt64(0), new RobustView((ViewKind)reader.GetInt32(1), Hash256.ReadBigEndian(signal), reader.GetInt32(2)));
        }
    }

    /// <summary>The local features of every active entry (only <paramref name="entryIds"/> when given), in entry order.</summary>
    public async IAsyncEnumerable<(long EntryId, LocalFeatures Features)> ReadActiveLocalFeaturesAsync(IReadOnlyCollection<long>? entryIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync("SELECT l.entry_id, l.features FROM bank_entry_local_features l JOIN bank_entries e ON e.id = l.entry_id WHERE e.state = 0" + InList("l.entry_id", entryIds) + " ORDER BY l.entry_id", cancellationToken).ConfigureAwait(false);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var bytes = await reader.GetFieldValueAsync<byte[]>(1, cancellationToken).ConfigureAwait(false);
            yield return (reader.GetInt64(0), LocalFeatures.FromBytes(bytes));
        }
    }

    /// <summary>
    /// Every face bank with its active entries, as <see cref="FaceBank"/>s whose entry ids are the
    /// store's entry ids and whose subjects are the external ids: what the face indexes are built
    /// from. Banks of another embedding model than <paramref name="embeddingModel"/> are left out
    /// (null: all), and, when <paramref name="bankName"/> is given, every other bank.
    /// </summary>
    public async Task<List<FaceBank>> LoadFaceBanksAsync(string? embeddingModel, string? bankName, CancellationToken cancellationToken)
    {
        var banks = await db.Banks.AsNoTracking().Where(b => b.EmbeddingModel != null && (bankName == null || b.Name == bankName)).OrderBy(b => b.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<FaceBank>();
        foreach (var bank in banks)
        {
            if ((embeddingModel is not null && bank.EmbeddingModel != embeddingModel) || SignalType.Find(bank.SignalType) is not { IsFaceEmbedding: true } type)
            {
                continue;
            }

            var faceBank = new FaceBank(bank.Name, bank.EmbeddingModel!, type.Dimensions);
            await foreach (var entry in ReadFaceEntriesAsync(bank.Id, null, cancellationToken).ConfigureAwait(false))
            {
                faceBank.Restore(entry.Entry);
            }

            result.Add(faceBank);
        }

        return result;
    }

    /// <summary>Active face entries of one bank (null: every face bank), only <paramref name="entryIds"/> when given, with their bank's name.</summary>
    public async IAsyncEnumerable<(string Bank, FaceBankEntry Entry)> ReadFaceEntriesAsync(int? bankId, IReadOnlyCollection<long>? entryIds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wanted = entryIds?.ToList();
        var rows = db.BankEntries.AsNoTracking()
            .Where(e => (bankId == null || e.BankId == bankId) && e.State == BankEntryState.Active && e.Embedding != null && (wanted == null || wanted.Contains(e.Id)))
            .OrderBy(e => e.Id)
            .Select(e => new { e.Id, Bank = e.Bank!.Name, e.ExternalId, e.AddedAt, e.Embedding!.Vector })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // Sealed vectors (FaceEmbeddingSeal) are opened here, in memory only, as the index loads.
            var plain = FaceEmbeddingSeal.Open(sealer, row.Id, row.Vector);
            var vector = new float[plain.Length / sizeof(float)];
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(plain.AsSpan(i * sizeof(float)));
            }

            yield return (row.Bank, new FaceBankEntry(row.Id, row.ExternalId ?? string.Empty, row.AddedAt.ToUnixTimeMilliseconds(), vector));
        }
    }

    /// <summary>Face banks (name, embedding model, dimensions) of every embedding model.</summary>
    public async Task<List<(int Id, string Name, string Model, int Dimensions)>> ListFaceBanksAsync(CancellationToken cancellationToken)
    {
        var banks = await db.Banks.AsNoTracking().Where(b => b.EmbeddingModel != null).OrderBy(b => b.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<(int, string, string, int)>();
        foreach (var bank in banks)
        {
            if (SignalType.Find(bank.SignalType) is { IsFaceEmbedding: true } type)
            {
                result.Add((bank.Id, bank.Name, bank.EmbeddingModel!, type.Dimensions));
            }
        }

        return result;
    }

    /// <summary>Stored frames of active video entries, by entry id.</summary>
    public async Task<Dictionary<long, List<VpdqFrame>>> GetFramesAsync(IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        var wanted = entryIds.Distinct().ToList();
        var rows = await db.BankEntryFrames.AsNoTracking()
            .Where(f => wanted.Contains(f.EntryId) && f.Entry!.State == BankEntryState.Active)
            .OrderBy(f => f.EntryId).ThenBy(f => f.FrameNumber)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var frames = new Dictionary<long, List<VpdqFrame>>();
        foreach (var row in rows)
        {
            if (!frames.TryGetValue(row.EntryId, out var list))
            {
                frames[row.EntryId] = list = [];
            }

            list.Add(new VpdqFrame(row.FrameNumber, row.Quality, Hash256.ReadBigEndian(row.Signal), row.Timestamp));
        }

        return frames;
    }

    /// <summary>Looks up entries by id (for match output); ids that are not active are absent.</summary>
    public async Task<Dictionary<long, BankEntryView>> GetActiveEntriesAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct().ToList();
        var rows = await db.BankEntries.AsNoTracking().Include(e => e.Bank)
            .Where(e => wanted.Contains(e.Id) && e.State == BankEntryState.Active)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Id, r => BankStore.View(r, r.Bank!.Name));
    }

    // Entry ids are numbers: written into the statement, so one statement serves any number of them.
    private static string InList(string column, IReadOnlyCollection<long>? ids)
    {
        if (ids is null)
        {
            return string.Empty;
        }

        if (ids.Count == 0)
        {
            return " AND 1 = 0";
        }

        var builder = new StringBuilder(" AND ").Append(column).Append(" IN (");
        var first = true;
        foreach (var id in ids)
        {
            builder.Append(first ? string.Empty : ",").Append(id.ToString(CultureInfo.InvariantCulture));
            first = false;
        }

        return builder.Append(')').ToString();
    }

    private async Task<DbCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        // Opened through EF, so the store's connection interceptor (SQLite pragmas) applies.
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
#pragma warning disable CA2100 // The statement is constant text plus numeric ids written by InList.
        command.CommandText = sql;
#pragma warning restore CA2100
        return command;
    }
}
