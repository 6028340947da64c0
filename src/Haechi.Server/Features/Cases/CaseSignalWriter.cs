using Haechi.Core.Robust;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Cases;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// Stores a case's signals inside the caller's transaction: PDQ into the victim-registered bank
/// (external id = case number) with the photos' extra PDQ views, MD5 with the case. Returns what it
/// stored; the matcher picks the entries up from the bank change log after commit.
/// </summary>
internal sealed class CaseSignalWriter(HaechiDbContext db, BankStore banks)
{
    public async Task<CaseSignalsWritten> WriteAsync(CaseRecord record, CaseSignals signals, CancellationToken cancellationToken)
    {
        var entries = new List<NewBankEntry>(signals.Pdq.Count);
        foreach (var signal in signals.Pdq)
        {
            entries.Add(new NewBankEntry(signal.Hash, signal.Quality, record.CaseNumber, [], ExtraViews: signal.Views, Local: signal.Local));
        }

        var indexed = new List<(long, Core.Hashing.Hash256)>();
        var localIndexed = new List<(long, Core.Robust.Local.LocalFeatures)>();
        var viewIndexed = new List<(long, RobustView[])>();
        if (entries.Count > 0)
        {
            var result = await banks.AddEntriesAsync(VictimBank.Name, entries, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < result.AddedIds.Count; i++)
            {
                if (result.AddedIds[i] != 0)
                {
                    indexed.Add((result.AddedIds[i], entries[i].Signal));
                    if (entries[i].Local is { } local)
                    {
                        localIndexed.Add((result.AddedIds[i], local));
                    }

                    // The view index holds the plain PDQ too (a query's trimmed view may meet the whole photo), as the rows do.
                    var views = new RobustView[1 + signals.Pdq[i].Views.Count];
                    views[0] = new RobustView(ViewKind.Whole, entries[i].Signal, entries[i].Quality);
                    for (var v = 0; v < signals.Pdq[i].Views.Count; v++)
                    {
                        views[v + 1] = signals.Pdq[i].Views[v];
                    }

                    viewIndexed.Add((result.AddedIds[i], views));
                }
            }
        }

        var stored = indexed.Count;
        if (signals.Md5.Count > 0)
        {
            var existing = record.Id == 0
                ? []
                : await db.CaseDigests.Where(d => d.CaseId == record.Id).Select(d => d.Md5).ToListAsync(cancellationToken).ConfigureAwait(false);
            var known = new HashSet<string>(existing.Select(Convert.ToHexString), StringComparer.Ordinal);
            foreach (var md5 in signals.Md5)
            {
                if (known.Add(Convert.ToHexString(md5)))
                {
                    record.Digests.Add(new CaseDigestRecord { Md5 = md5 });
                    stored++;
                }
            }
        }

        return new CaseSignalsWritten(stored, indexed, localIndexed, viewIndexed);
    }

    /// <summary>Signals a case holds: active bank entries with its number plus its digests.</summary>
    public async Task<int> CountAsync(CaseRecord record, CancellationToken cancellationToken)
    {
        var pdq = await db.BankEntries.CountAsync(e => e.ExternalId == record.CaseNumber && e.State == Core.Banks.BankEntryState.Active, cancellationToken).ConfigureAwait(false);
        var md5 = await db.CaseDigests.CountAsync(d => d.CaseId == record.Id, cancellationToken).ConfigureAwait(false);
        return pdq + md5;
    }

    /// <summary>
    /// Active entries with the case's number by the kind of thing she registered: PDQ banks count photos,
    /// vPDQ banks videos, face-embedding banks (<c>face-*</c>) faces. MD5 digests are not counted: each
    /// belongs to a photo already counted by its PDQ.
    /// </summary>
    public async Task<CaseRegistered> CountRegisteredAsync(CaseRecord record, CancellationToken cancellationToken)
    {
        var byType = await (from e in db.BankEntries
                            join bank in db.Banks on e.BankId equals bank.Id
                            where e.ExternalId == record.CaseNumber && e.State == Core.Banks.BankEntryState.Active
                            group e by bank.SignalType into g
                            select new { SignalType = g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
        int photos = 0, videos = 0, faces = 0;
        foreach (var row in byType)
        {
            if (row.SignalType == Core.Signals.SignalType.Pdq.Name)
            {
                photos += row.Count;
            }
            else if (row.SignalType == Core.Signals.SignalType.Vpdq.Name)
            {
                videos += row.Count;
            }
            else if (row.SignalType.StartsWith("face-", StringComparison.Ordinal))
            {
                faces += row.Count;
            }
        }

        return new CaseRegistered(photos, videos, faces);
    }
}

/// <summary>What <see cref="CaseSignalWriter.WriteAsync"/> stored (counted in the case history and the log); the matcher indexes it from the change log once the transaction commits.</summary>
/// <param name="Stored">New signals (PDQ entries and MD5 digests).</param>
/// <param name="Indexed">New PDQ entries for the PDQ index.</param>
/// <param name="LocalIndexed">New entries with local features.</param>
/// <param name="ViewIndexed">New entries with their plain PDQ and extra views, for the view index.</param>
internal sealed record CaseSignalsWritten(
    int Stored,
    List<(long Id, Core.Hashing.Hash256 Signal)> Indexed,
    List<(long Id, Core.Robust.Local.LocalFeatures Features)> LocalIndexed,
    List<(long Id, RobustView[] Views)> ViewIndexed);
