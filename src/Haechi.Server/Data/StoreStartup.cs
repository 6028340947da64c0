using Haechi.Core.Banks;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Server.Features.Matching;

namespace Haechi.Server.Data;

/// <summary>
/// Before the server listens: applies migrations, sets WAL, creates the victim-registered bank when
/// missing and loads the PDQ index (snapshot or rebuild from bank rows).
/// </summary>
internal sealed partial class StoreStartup(DataDirectory dataDirectory, DatabaseLocation location, TimeProvider time, PdqIndex index, LocalIndex localIndex, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var db = await HaechiDatabase.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            var store = new BankStore(db, time);
            var banks = await store.ListBanksAsync(cancellationToken).ConfigureAwait(false);
            if (!banks.Any(b => b.Name == VictimBank.Name))
            {
                await store.CreateBankAsync(VictimBank.Name, VictimBank.Description, SignalType.Pdq, cancellationToken).ConfigureAwait(false);
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
            LogIndexLoaded(logger, loaded.Index.Count, loaded.Source, (long)loaded.Elapsed.TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "PDQ index ready: {Count} signals ({Source}, {ElapsedMs} ms)")]
    private static partial void LogIndexLoaded(ILogger logger, int count, IndexSource source, long elapsedMs);
}
