using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Haechi.Core.Banks;
using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Core.Signals;
using Haechi.Core.Video;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Haechi.Data.Banks;

/// <summary>A fingerprint to add to a bank.</summary>
/// <param name="Signal">The 256-bit signal.</param>
/// <param name="Quality">Its quality (PDQ: 0..100).</param>
/// <param name="ExternalId">Opaque reference, e.g. a case number.</param>
/// <param name="Labels">Labels, each validated by <see cref="BankRules.ValidateLabel"/>.</param>
/// <param name="ExtraViews">PDQ hashes of extra views (rotations, trimmed borders, crops, strips) for banks that keep them.</param>
/// <param name="Local">Local features (<see cref="LocalFeatures"/>) for banks that keep the <c>local</c> signal; at most <see cref="LocalFeatureExtractor.MaxRegisteredFeatures"/> keypoints.</param>
public sealed record NewBankEntry(Hash256 Signal, int Quality, string? ExternalId, IReadOnlyList<string> Labels, IReadOnlyList<RobustView>? ExtraViews = null, LocalFeatures? Local = null);

/// <summary>A video to add to a vPDQ bank: its frames (near-identical runs are collapsed on insert).</summary>
/// <param name="Frames">vPDQ frames in decode order.</param>
/// <param name="ExternalId">Opaque reference, e.g. a case number.</param>
/// <param name="Labels">Labels.</param>
public sealed record NewVideoEntry(IReadOnlyList<VpdqFrame> Frames, string? ExternalId, IReadOnlyList<string> Labels);

/// <summary>A face embedding to add to a face bank (the photo it came from is never stored).</summary>
/// <param name="Embedding">The embedding (normalised to unit length on insert).</param>
/// <param name="Quality">0..100 (e.g. the detector score × 100).</param>
/// <param name="Subject">Who the face belongs to: a case number or other external id, never a name.</param>
/// <param name="Labels">Labels.</param>
/// <param name="AddedAt">When it was enrolled (null: now); set when importing older banks.</param>
public sealed record NewFaceEntry(float[] Embedding, int Quality, string Subject, IReadOnlyList<string> Labels, DateTimeOffset? AddedAt = null);

/// <summary>A bank entry as it is shown and exported.</summary>
public sealed record BankEntryView(long Id, string Bank, Hash256 Signal, int Quality, string? ExternalId, IReadOnlyList<string> Labels, DateTimeOffset AddedAt);

/// <summary>A bank with its entry counts.</summary>
public sealed record BankSummary(string Name, string? Description, string SignalType, long ActiveEntries, long WithdrawnEntries, DateTimeOffset CreatedAt, RobustFamilies ExtraSignals = RobustFamilies.None, string? EmbeddingModel = null);

/// <summary>What <see cref="BankStore.AddEntriesAsync"/> did.</summary>
/// <param name="AddedIds">Ids of the new entries, in input order (0 where the input was a duplicate).</param>
/// <param name="Duplicates">Inputs already in the bank (same signal and external id), with the existing entry id.</param>
public sealed record AddEntriesResult(IReadOnlyList<long> AddedIds, IReadOnlyList<(int InputIndex, long ExistingId)> Duplicates);

/// <summary>A request the store refuses, with a message a person can act on. Nothing was changed.</summary>
public class BankStoreException : Exception
{
    public BankStoreException()
    {
    }

    public BankStoreException(string message)
        : base(message)
    {
    }

    public BankStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Banks and their entries in Haechi's store. Every change is one transaction, committed (and, on
/// SQLite, fsynced) before the method returns.
/// </summary>
public sealed class BankStore(HaechiDbContext db, TimeProvider time)
{
    /// <summary>The context it writes through (readers of the same store share it).</summary>
    public HaechiDbContext Context => db;

    /// <summary>Creates a bank.</summary>
    /// <exception cref="BankStoreException">The name is invalid or taken.</exception>
    public async Task<BankSummary> CreateBankAsync(string name, string? description, SignalType signalType, CancellationToken cancellationToken) =>
        await CreateBankAsync(name, description, signalType, RobustFamilies.None, cancellationToken).ConfigureAwait(false);

    /// <summary>Creates a bank whose image entries also keep <paramref name="extraSignals"/> (PDQ banks only).</summary>
    /// <exception cref="BankStoreException">The name is invalid or taken, or extra signals on a non-PDQ bank.</exception>
    public async Task<BankSummary> CreateBankAsync(string name, string? description, SignalType signalType, RobustFamilies extraSignals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signalType);
        if (signalType.IsFaceEmbedding)
        {
            throw new BankStoreException("Face banks are created by enrolling a face ('haechi faces enroll'), which records the embedding model.");
        }

        if (extraSignals != RobustFamilies.None && signalType != SignalType.Pdq)
        {
            throw new BankStoreException("Extra image signals apply to PDQ banks only.");
        }

        return await InsertBankAsync(new BankRecord { Name = name, Description = description, SignalType = signalType.Name, CreatedAt = time.GetUtcNow(), ExtraSignals = (int)extraSignals }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a face bank whose every vector comes from <paramref name="embeddingModel"/> (model id
    /// and ONNX SHA-256): vectors of different models are not comparable.
    /// </summary>
    /// <exception cref="BankStoreException">The name is invalid or taken, or the signal type is not a face embedding.</exception>
    public async Task<BankSummary> CreateFaceBankAsync(string name, string? description, SignalType signalType, string embeddingModel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signalType);
        ArgumentException.ThrowIfNullOrWhiteSpace(embeddingModel);
        if (!signalType.IsFaceEmbedding)
        {
            throw new BankStoreException($"{signalType.Name} is not a face-embedding signal type.");
        }

        return await InsertBankAsync(new BankRecord { Name = name, Description = description, SignalType = signalType.Name, CreatedAt = time.GetUtcNow(), EmbeddingModel = embeddingModel }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BankSummary> InsertBankAsync(BankRecord bank, CancellationToken cancellationToken)
    {
        if (BankRules.ValidateName(bank.Name) is { } error)
        {
            throw new BankStoreException(error);
        }

        if (await db.Banks.AnyAsync(b => b.Name == bank.Name, cancellationToken).ConfigureAwait(false))
        {
            throw new BankStoreException($"A bank named '{bank.Name}' already exists.");
        }

        db.Banks.Add(bank);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new BankSummary(bank.Name, bank.Description, bank.SignalType, 0, 0, bank.CreatedAt, (RobustFamilies)bank.ExtraSignals, bank.EmbeddingModel);
    }

    /// <summary>True when a bank named <paramref name="name"/> exists.</summary>
    public async Task<bool> BankExistsAsync(string name, CancellationToken cancellationToken) =>
        await db.Banks.AsNoTracking().AnyAsync(b => b.Name == name, cancellationToken).ConfigureAwait(false);

    /// <summary>All banks, by name.</summary>
    public async Task<IReadOnlyList<BankSummary>> ListBanksAsync(CancellationToken cancellationToken)
    {
        return await Summaries(db.Banks.AsNoTracking().OrderBy(b => b.Name)).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One bank with its counts.</summary>
    /// <exception cref="BankStoreException">No such bank.</exception>
    public async Task<BankSummary> GetBankAsync(string name, CancellationToken cancellationToken)
    {
        var bank = await Summaries(db.Banks.AsNoTracking().Where(b => b.Name == name)).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return bank ?? throw UnknownBank(name);
    }

    // Counts are computed in the database, one query for any number of banks.
    private static IQueryable<BankSummary> Summaries(IQueryable<BankRecord> banks) => banks.Select(b => new BankSummary(
        b.Name,
        b.Description,
        b.SignalType,
        b.Entries.LongCount(e => e.State == BankEntryState.Active),
        b.Entries.LongCount(e => e.State == BankEntryState.Withdrawn),
        b.CreatedAt,
        (RobustFamilies)b.ExtraSignals,
        b.EmbeddingModel));

    private async Task<BankRecord> FindBankAsync(string name, CancellationToken cancellationToken) =>
        await db.Banks.AsNoTracking().SingleOrDefaultAsync(b => b.Name == name, cancellationToken).ConfigureAwait(false)
        ?? throw UnknownBank(name);

    private static BankStoreException UnknownBank(string name) =>
        new($"There is no bank named '{name}' (see 'haechi bank list').");

    /// <summary>
    /// Adds entries in one transaction (the caller's, when one is open on the context). An input whose signal and external id are already active
    /// in the bank (or earlier in the same input) is not added again and is reported as a duplicate.
    /// </summary>
    /// <exception cref="BankStoreException">Unknown bank or an invalid entry; nothing is added.</exception>
    public async Task<AddEntriesResult> AddEntriesAsync(string bankName, IReadOnlyList<NewBankEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var bank = await FindBankAsync(bankName, cancellationToken).ConfigureAwait(false);
        if (bank.SignalType != SignalType.Pdq.Name)
        {
            throw new BankStoreException($"Bank '{bankName}' holds {bank.SignalType} signals; images go into a pdq bank.");
        }

        // Joins the caller's transaction when one is open (the server commits a case and its bank rows together).
        await using var owned = await BeginUnlessAmbientAsync(cancellationToken).ConfigureAwait(false);
        var result = await InsertEntriesAsync(bank, entries, db.Database.CurrentTransaction!, cancellationToken).ConfigureAwait(false);
        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<AddEntriesResult> InsertEntriesAsync(BankRecord bank, IReadOnlyList<NewBankEntry> entries, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            Validate(entries[i], i);
        }

        var now = time.GetUtcNow();
        var added = new long[entries.Count];
        var duplicates = new List<(int, long)>();
        var seen = new Dictionary<(Hash256, string), long>();
        var connection = db.Database.GetDbConnection();
        await using (var find = connection.CreateCommand())
        await using (var insert = connection.CreateCommand())
        {
            find.Transaction = transaction.GetDbTransaction();
            find.CommandText = "SELECT id FROM bank_entries WHERE bank_id = @bank AND signal = @signal AND state = 0 AND ((external_id IS NULL AND @external IS NULL) OR external_id = @external) LIMIT 1";
            Parameter(find, "@bank", bank.Id);
            var findSignal = Parameter(find, "@signal", Array.Empty<byte>());
            var findExternal = Parameter(find, "@external", DBNull.Value, System.Data.DbType.String);

            insert.Transaction = transaction.GetDbTransaction();
            insert.CommandText = "INSERT INTO bank_entries (bank_id, signal, quality, external_id, labels, added_at, state) VALUES (@bank, @signal, @quality, @external, @labels, @added, 0) RETURNING id";
            Parameter(insert, "@bank", bank.Id);
            var insertSignal = Parameter(insert, "@signal", Array.Empty<byte>());
            var insertQuality = Parameter(insert, "@quality", 0);
            var insertExternal = Parameter(insert, "@external", DBNull.Value, System.Data.DbType.String);
            var insertLabels = Parameter(insert, "@labels", string.Empty);
            Parameter(insert, "@added", now);

            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                var key = (entry.Signal, entry.ExternalId ?? string.Empty);
                if (seen.TryGetValue(key, out var earlier))
                {
                    duplicates.Add((i, earlier));
                    continue;
                }

                var signal = ToBytes(entry.Signal);
                findSignal.Value = signal;
                findExternal.Value = (object?)entry.ExternalId ?? DBNull.Value;
                if (await find.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long existing)
                {
                    duplicates.Add((i, existing));
                    seen[key] = existing;
                    continue;
                }

                insertSignal.Value = signal;
                insertQuality.Value = entry.Quality;
                insertExternal.Value = (object?)entry.ExternalId ?? DBNull.Value;
                insertLabels.Value = string.Join(' ', entry.Labels);
                var id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                added[i] = id;
                seen[key] = id;
            }
        }

        var views = await RecordChangesAsync(bank.Id, added, BankChangeKind.Added, now, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < entries.Count; i++)
        {
            if (added[i] != 0 && entries[i].Local is { Count: > 0 } local)
            {
                db.BankEntryLocalFeatures.Add(new BankEntryLocalFeaturesRecord { EntryId = added[i], Count = local.Count, Features = local.ToBytes() });
                views++;
            }

            if (added[i] == 0 || entries[i].ExtraViews is not { Count: > 0 } extra)
            {
                continue;
            }

            foreach (var view in extra)
            {
                db.BankEntryViews.Add(new BankEntryViewRecord { EntryId = added[i], Kind = (int)view.Kind, Quality = view.Quality, Signal = ToBytes(view.Hash) });
                views++;
            }
        }

        if (views > 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return new AddEntriesResult(added, duplicates);
    }

    private static void Validate(NewBankEntry entry, int index)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"Entry {index + 1}: ");
        if (entry.Quality is < 0 or > 100)
        {
            throw new BankStoreException(where + "quality must be between 0 and 100.");
        }

        if (entry.Local is { } local && local.Count > LocalFeatureExtractor.MaxRegisteredFeatures)
        {
            throw new BankStoreException(where + string.Create(CultureInfo.InvariantCulture, $"at most {LocalFeatureExtractor.MaxRegisteredFeatures} local features."));
        }

        if (BankRules.ValidateExternalId(entry.ExternalId) is { } idError)
        {
            throw new BankStoreException(where + idError);
        }

        if (entry.Labels.Count > BankRules.MaxLabels)
        {
            throw new BankStoreException(where + string.Create(CultureInfo.InvariantCulture, $"at most {BankRules.MaxLabels} labels."));
        }

        foreach (var label in entry.Labels)
        {
            if (BankRules.ValidateLabel(label) is { } labelError)
            {
                throw new BankStoreException(where + labelError);
            }
        }
    }

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

    /// <summary>
    /// Adds face embeddings to a face bank in one transaction. Each entry's external id is the
    /// subject; its signal is the SHA-256 of the stored vector (an entry with the same vector and
    /// subject is a duplicate); the vector is normalised to unit length.
    /// </summary>
    /// <exception cref="BankStoreException">Unknown bank, not a face bank, wrong vector length, or an invalid entry; nothing is added.</exception>
    public async Task<AddEntriesResult> AddFaceEntriesAsync(string bankName, IReadOnlyList<NewFaceEntry> faces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var bank = await FindBankAsync(bankName, cancellationToken).ConfigureAwait(false);
        if (SignalType.Find(bank.SignalType) is not { IsFaceEmbedding: true } type)
        {
            throw new BankStoreException($"Bank '{bankName}' holds {bank.SignalType} signals; faces go into a face bank ('haechi faces enroll').");
        }

        var vectors = new List<byte[]>(faces.Count);
        var entries = new List<NewBankEntry>(faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            var face = faces[i];
            if (face.Embedding.Length != type.Dimensions)
            {
                throw new BankStoreException(string.Create(CultureInfo.InvariantCulture, $"Entry {i + 1}: a {type.Name} embedding has {type.Dimensions} values, not {face.Embedding.Length}."));
            }

            if (string.IsNullOrWhiteSpace(face.Subject))
            {
                throw new BankStoreException(string.Create(CultureInfo.InvariantCulture, $"Entry {i + 1}: the subject cannot be empty."));
            }

            var bytes = EmbeddingBytes(face.Embedding)
                ?? throw new BankStoreException(string.Create(CultureInfo.InvariantCulture, $"Entry {i + 1}: the embedding has no direction (zero or non-finite)."));
            vectors.Add(bytes);
            entries.Add(new NewBankEntry(Hash256.ReadBigEndian(System.Security.Cryptography.SHA256.HashData(bytes)), face.Quality, face.Subject, face.Labels));
        }

        await using var owned = await BeginUnlessAmbientAsync(cancellationToken).ConfigureAwait(false);
        var result = await InsertEntriesAsync(bank, entries, db.Database.CurrentTransaction!, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < vectors.Count; i++)
        {
            if (result.AddedIds[i] != 0)
            {
                db.BankEntryEmbeddings.Add(new BankEntryEmbeddingRecord { EntryId = result.AddedIds[i], Vector = vectors[i] });
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < faces.Count; i++)
        {
            if (result.AddedIds[i] != 0 && faces[i].AddedAt is { } addedAt)
            {
                var id = result.AddedIds[i];
                await db.BankEntries.Where(e => e.Id == id).ExecuteUpdateAsync(u => u.SetProperty(e => e.AddedAt, addedAt), cancellationToken).ConfigureAwait(false);
            }
        }

        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The vector as unit-length float32 little-endian bytes; null when it has no direction.</summary>
    private static byte[]? EmbeddingBytes(float[] embedding)
    {
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(embedding);
        if (!(norm > 0) || float.IsInfinity(norm))
        {
            return null;
        }

        var bytes = new byte[embedding.Length * sizeof(float)];
        for (var i = 0; i < embedding.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), embedding[i] / norm);
        }

        return bytes;
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

    /// <summary>
    /// Withdraws entries: each stops matching at once and its fingerprint is erased. All ids must
    /// exist in the bank and be active, otherwise nothing changes.
    /// </summary>
    /// <exception cref="BankStoreException">Unknown bank, or ids not active in it (listed).</exception>
    public async Task<int> WithdrawAsync(string bankName, IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        var bank = await FindBankAsync(bankName, cancellationToken).ConfigureAwait(false);
        var wanted = entryIds.Distinct().ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.BankEntries.Where(e => e.BankId == bank.Id && wanted.Contains(e.Id) && e.State == BankEntryState.Active)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count != wanted.Count)
        {
            var missing = wanted.Except(rows.Select(r => r.Id)).Order().Take(20);
            throw new BankStoreException($"No active entries with these ids in bank '{bankName}': {string.Join(", ", missing)}. Nothing was removed.");
        }

        return await WithdrawRowsAsync(bank, rows, transaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Withdraws every active entry with <paramref name="externalId"/> (a victim's case) in one bank,
    /// or in every bank when <paramref name="bankName"/> is null, in one transaction (the caller's,
    /// when one is open on the context).
    /// </summary>
    /// <exception cref="BankStoreException">Unknown bank.</exception>
    public async Task<int> WithdrawByExternalIdAsync(string? bankName, string externalId, CancellationToken cancellationToken)
    {
        int? bankId = bankName is null ? null : (await FindBankAsync(bankName, cancellationToken).ConfigureAwait(false)).Id;
        await using var owned = await BeginUnlessAmbientAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.BankEntries.Include(e => e.Bank)
            .Where(e => e.ExternalId == externalId && e.State == BankEntryState.Active && (bankId == null || e.BankId == bankId))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var total = 0;
        foreach (var group in rows.GroupBy(r => r.BankId))
        {
            total += await WithdrawRowsAsync(group.First().Bank!, group.ToList(), transaction: null, cancellationToken).ConfigureAwait(false);
        }

        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    /// <summary>
    /// Adds change-log rows for <paramref name="entryIds"/> (ids of 0 are skipped) to the context, saved
    /// with the caller's next save in its transaction. On PostgreSQL a transaction-scoped advisory lock
    /// first serialises every writer of the log until commit, so change ids increase in commit order
    /// and a reader that has seen change N never misses a change below N committed later.
    /// Returns the rows added.
    /// </summary>
    private async Task<int> RecordChangesAsync(int bankId, IEnumerable<long> entryIds, BankChangeKind kind, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true)
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(7346001)", cancellationToken).ConfigureAwait(false);
        }

        var count = 0;
        foreach (var id in entryIds)
        {
            if (id != 0)
            {
                db.BankChanges.Add(new BankChangeRecord { EntryId = id, BankId = bankId, Kind = kind, At = at });
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Starts a transaction unless the caller already holds one on this context (then the change
    /// joins it and commits with the caller's work, e.g. a case and its bank entries together).
    /// </summary>
    private async Task<IDbContextTransaction?> BeginUnlessAmbientAsync(CancellationToken cancellationToken) =>
        db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;

    private async Task<int> WithdrawRowsAsync(BankRecord bank, List<BankEntryRecord> rows, IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await RecordChangesAsync(bank.Id, rows.Select(r => r.Id), BankChangeKind.Withdrawn, now, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            row.State = BankEntryState.Withdrawn;
            row.WithdrawnAt = now;
            row.Signal = null;
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var ids = rows.Select(r => r.Id).ToList();
        await db.BankEntryFrames.Where(f => ids.Contains(f.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.BankEntryViews.Where(v => ids.Contains(v.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.BankEntryEmbeddings.Where(v => ids.Contains(v.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.BankEntryLocalFeatures.Where(v => ids.Contains(v.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return rows.Count;
    }

    /// <summary>Active entries of a bank in id order, for export.</summary>
    public async IAsyncEnumerable<BankEntryView> ReadEntriesAsync(string bankName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var bank = await FindBankAsync(bankName, cancellationToken).ConfigureAwait(false);
        var rows = db.BankEntries.AsNoTracking().Where(e => e.BankId == bank.Id && e.State == BankEntryState.Active).OrderBy(e => e.Id).AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return View(row, bank.Name);
        }
    }

    /// <summary>Keypoints stored for the entries with <paramref name="externalId"/> (a case), active or not: 0 after withdrawal.</summary>
    public async Task<int> CountLocalFeaturesAsync(string externalId, CancellationToken cancellationToken)
    {
        var ids = db.BankEntries.AsNoTracking().Where(e => e.ExternalId == externalId).Select(e => e.Id);
        return await db.BankEntryLocalFeatures.AsNoTracking().Where(l => ids.Contains(l.EntryId)).SumAsync(l => l.Count, cancellationToken).ConfigureAwait(false);
    }

    internal static BankEntryView View(BankEntryRecord row, string bank) => new(
        row.Id,
        bank,
        Hash256.ReadBigEndian(row.Signal!),
        row.Quality,
        row.ExternalId,
        row.Labels.Length == 0 ? [] : row.Labels.Split(' '),
        row.AddedAt);

    private static byte[] ToBytes(Hash256 signal)
    {
        var bytes = new byte[32];
        signal.WriteBigEndian(bytes);
        return bytes;
    }

    internal static DbParameter Parameter(DbCommand command, string name, object value, System.Data.DbType? type = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        if (type is { } dbType)
        {
            // A NULL must still say its type: PostgreSQL cannot infer it from 'IS NULL'.
            parameter.DbType = dbType;
        }

        command.Parameters.Add(parameter);
        return parameter;
    }
}
