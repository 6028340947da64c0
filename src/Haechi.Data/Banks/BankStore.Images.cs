using System.Globalization;
using Haechi.Core.Banks;
using Haechi.Core.Hashing;
using Haechi.Core.Robust.Local;
using Haechi.Core.Signals;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Haechi.Data.Banks;

/// <summary>Image entries: PDQ with the extra views and local features a bank keeps.</summary>
public sealed partial class BankStore
{
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
}
