using Haechi.Core.Robust;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Pipeline.Matching;
using Haechi.Server.Features.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Server.Data;

/// <summary>
/// Before the server listens: applies migrations, sets WAL, creates the victim-registered bank (and
/// its video bank, victim-registered-video) when missing (keeping <see cref="VictimViews.Families"/>) and loads the matcher's indexes (snapshots
/// caught up with the bank change log, or rebuilt from the rows) before the first request.
/// </summary>
internal sealed partial class StoreStartup(DatabaseLocation location, TimeProvider time, Matcher matcher, ILogger<StoreStartup> logger) : IHostedService
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

            if (!banks.Any(b => b.Name == VictimBank.VideoName))
            {
                await store.CreateBankAsync(VictimBank.VideoName, VictimBank.VideoDescription, SignalType.Vpdq, cancellationToken).ConfigureAwait(false);
            }

            await matcher.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
            LogIndexLoaded(logger, matcher.PdqCount, matcher.PdqSource);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Indexes ready: {Count} PDQ signals ({Source})")]
    private static partial void LogIndexLoaded(ILogger logger, int count, string source);
}
