using Haechi.Core.Signals;
using Haechi.Core.Robust;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Data;

/// <summary>
/// Before the server listens: applies migrations, sets WAL, creates the victim-registered bank when
/// missing (keeping <see cref="VictimViews.Families"/>) and loads the PDQ index (snapshot or rebuild
/// from bank rows), the local-feature index and the view index.
/// </summary>
internal sealed partial class StoreStartup(DataDirectory dataDirectory, DatabaseLocation location, TimeProvider time, PdqIndex index, LocalIndex localIndex, ViewIndex viewIndex, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var db = await HaechiDatabase.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var store = new BankStore(db, time);
            var banks = await store.ListBanksAsync(cancellationToken).ConfigureAwait(false);
            var victimBank = banks.FirstOrDefault(b => b.Name == VictimBank.Name);
            if (victimBank is null)
            {
                await store.CreateBankAsync(VictimBank.Name, VictimBank.Description, SignalType.Pdq, VictimViews.Families, cancellationToken).ConfigureAwait(false);
            }
            else if (victimBank.ExtraSignals != VictimViews.Families)
            {
                // Created before victims sent views: the bank now keeps them, so every matcher searches them.
                await db.Banks.Where(b => b.Name == VictimBank.Name)
                    .ExecuteUpdateAsync(s => s.SetProperty(b => b.ExtraSignals, (int)VictimViews.Families), cancellationToken).ConfigureAwait(false);
            }

            var loaded = await new SignalIndexLoader(dataDirectory.Path, time).LoadAsync(store, SignalType.Pdq, cancellationToken).ConfigureAwait(false);
            index.Publish(loaded.Index);

            // Local features (victims who opted in, banks with the local signal): rebuilt from the rows.
            var local = new Haechi.Core.Robust.Local.LocalFeatureIndex();
            await foreach (var (entryId, features) in store.ReadActiveLocalFeaturesAsync(cancellationToken).ConfigureAwait(false))
            {
                local.Add(entryId, features);
            }

            localIndex.Publish(local);

            // PDQ views (victims' crops and canonical views, banks created with extra signals): rebuilt from the rows.
            var views = new RobustIndex();
            var entryViews = new List<RobustView>();
            long current = -1;
            await foreach (var (entryId, view) in store.ReadActiveExtraViewsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (entryId != current && entryViews.Count > 0)
                {
                    views.Add(current, [.. entryViews]);
                    entryViews.Clear();
                }

                current = entryId;
                entryViews.Add(view);
            }

            if (entryViews.Count > 0)
            {
                views.Add(current, [.. entryViews]);
            }

            viewIndex.Publish(views);
            LogIndexLoaded(logger, loaded.Index.Count, loaded.Source, (long)loaded.Elapsed.TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "PDQ index ready: {Count} signals ({Source}, {ElapsedMs} ms)")]
    private static partial void LogIndexLoaded(ILogger logger, int count, IndexSource source, long elapsedMs);
}
