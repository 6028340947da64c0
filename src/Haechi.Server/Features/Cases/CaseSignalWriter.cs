using Haechi.Core.Robust;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Cases;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Features.Cases;

/// <summary>
/// Stores a case's signals inside the caller's transaction: PDQ into the victim-registered bank
/// (external id = case number) with the photos' extra PDQ views, videos' vPDQ frames into the
/// victim-registered-video bank (same external id), MD5 with the case. Returns what it
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
        if (signals.Videos.Count > 0)
        {
            // One entry per video (its frames, near-identical runs collapsed); an exact repeat of a stored video is not added twice.
            var videos = new List<NewVideoEntry>(signals.Videos.Count);
            foreach (var frames in signals.Videos)
            {
                videos.Add(new NewVideoEntry(frames, record.CaseNumber, []));
            }

            var added = await banks.AddVideoEntriesAsync(VictimBank.VideoName, videos, cancellationToken).ConfigureAwait(false);
            stored += added.AddedIds.Count(id => id != 0);
        }

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

    /// <summary>Signals a case holds: active bank entries with its number (a video is one entry) plus its digests.</summary>
    public async Task<int> CountAsync(CaseRecord record, CancellationToken cancellationToken)
    {
        var pdq = await db.BankEntries.CountAsync(e => e.ExternalId == record.CaseNumber && e.State == Core.Banks.BankEntryState.Active, cancellationToken).ConfigureAwait(false);
        var md5 = await db.CaseDigests.CountAsync(d => d.CaseId == record.Id, cancellationToken).ConfigureAwait(false);
        return pdq + md5;
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
