using Haechi.Core.Faces;
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
/// victim-registered-video bank (same external id), MD5 with the case, face embeddings
/// into the victim-faces bank (external id = case number; sealed at rest by the store's sealer; the
/// bank is created with the server's FaceRes identity on the first face). Returns what it
/// stored; the matcher picks the entries up from the bank change log after commit.
/// </summary>
internal sealed class CaseSignalWriter(HaechiDbContext db, BankStore banks, FaceSetup faces)
{
    /// <summary>Adds a problem when <paramref name="signals"/> carry faces but this server has no face models (nothing to match them with).</summary>
    public bool CanStore(CaseSignals signals, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(errors);
        if (signals.Faces.Count > 0 && faces.EmbeddingModel() is null)
        {
            errors["signals"] = ["This server has no face models installed ('haechi models pull'); faces cannot be registered."];
            return false;
        }

        return true;
    }

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

        var faceCount = 0;
        if (signals.Faces.Count > 0)
        {
            if (!await banks.BankExistsAsync(VictimFaces.BankName, cancellationToken).ConfigureAwait(false))
            {
                var model = faces.EmbeddingModel() ?? throw new InvalidOperationException("No face models: check CanStore first.");
                await banks.CreateFaceBankAsync(VictimFaces.BankName, VictimFaces.BankDescription, VictimFaces.SignalType, model, cancellationToken).ConfigureAwait(false);
            }

            var faceEntries = new List<NewFaceEntry>(signals.Faces.Count);
            foreach (var vector in signals.Faces)
            {
                faceEntries.Add(new NewFaceEntry(vector, 100, record.CaseNumber, []));
            }

            var added = await banks.AddFaceEntriesAsync(VictimFaces.BankName, faceEntries, cancellationToken).ConfigureAwait(false);
            foreach (var id in added.AddedIds)
            {
                faceCount += id != 0 ? 1 : 0;
            }

            stored += faceCount;
        }

        return new CaseSignalsWritten(stored, indexed, localIndexed, viewIndexed) { Faces = faceCount };
    }

    /// <summary>Signals a case holds: active bank entries with its number (a video is one entry) plus its digests.</summary>
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
    List<(long Id, RobustView[] Views)> ViewIndexed)
{
    /// <summary>New face entries (counted in <see cref="Stored"/> too).</summary>
    public int Faces { get; init; }
}
