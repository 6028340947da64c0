using System.Data.Common;
using System.Runtime.CompilerServices;
using Haechi.Core.Banks;
using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Haechi.Data.Banks;

/// <summary>
/// Banks and their entries in Haechi's store. Every change is one transaction, committed (and, on
/// SQLite, fsynced) before the method returns.
/// </summary>
/// <param name="db">The store.</param>
/// <param name="time">The clock.</param>
/// <param name="sealer">Seals face embeddings at rest (<see cref="FaceEmbeddingSeal"/>); null stores them plain (tests, benchmarks).</param>
public sealed partial class BankStore(HaechiDbContext db, TimeProvider time, Sealing.ContentSealer? sealer = null)
{
    /// <summary>The sealer of face embeddings, if any (readers of the same store open them with it).</summary>
    public Sealing.ContentSealer? Sealer => sealer;

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
    /// Erases every entry with <paramref name="externalId"/> (a victim's case) in every bank, active or
    /// withdrawn: a withdrawal change is logged for each active one (so every index drops it), then the
    /// rows are deleted with their views, frames, keypoints and embeddings, so no fingerprint of hers
    /// stays in the store (SQLite zeroes the freed pages: <c>secure_delete</c>). Joins the caller's
    /// transaction when one is open on the context. Returns the ids erased.
    /// </summary>
    public async Task<IReadOnlyList<long>> EraseByExternalIdAsync(string externalId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(externalId);
        await using var owned = await BeginUnlessAmbientAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.BankEntries.AsNoTracking().Where(e => e.ExternalId == externalId)
            .Select(e => new { e.Id, e.BankId, e.State }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var bank in rows.Where(r => r.State == BankEntryState.Active).GroupBy(r => r.BankId))
        {
            await RecordChangesAsync(bank.Key, bank.Select(r => r.Id), BankChangeKind.Withdrawn, now, cancellationToken).ConfigureAwait(false);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var ids = rows.Select(r => r.Id).ToList();
        await DeleteFingerprintsAsync(ids, cancellationToken).ConfigureAwait(false);
        await db.BankEntries.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        if (owned is not null)
        {
            await owned.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return ids;
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
        await DeleteFingerprintsAsync(ids, cancellationToken).ConfigureAwait(false);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return rows.Count;
    }

    /// <summary>Deletes what entries <paramref name="ids"/> hold beside their hash: video frames, PDQ views, face embeddings, keypoints.</summary>
    private async Task DeleteFingerprintsAsync(List<long> ids, CancellationToken cancellationToken)
    {
        await db.BankEntryFrames.Where(f => ids.Contains(f.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.BankEntryViews.Where(v => ids.Contains(v.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.BankEntryEmbeddings.Where(v => ids.Contains(v.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.BankEntryLocalFeatures.Where(v => ids.Contains(v.EntryId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
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
