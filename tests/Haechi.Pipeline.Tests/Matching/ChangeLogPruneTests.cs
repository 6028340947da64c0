using Haechi.Core.Hashing;
using Haechi.Core.Signals;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Media.Images;
using Haechi.Pipeline.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Pipeline.Tests.Matching;

/// <summary>
/// The bank change log is pruned (changes older than the retention deleted, the newest of them kept
/// as the horizon): a running matcher and an index snapshot whose checkpoint is older than the
/// horizon reload from the rows and agree with them; ids never repeat after a prune.
/// </summary>
public sealed class ChangeLogPruneTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-prune-").FullName;

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static Hash256 Code(int seed)
    {
        var bytes = new byte[32];
        new Random(seed).NextBytes(bytes);
        return Hash256.ReadBigEndian(bytes);
    }

    private static ImageFingerprint Query(Hash256 pdq) => new() { Pdq = pdq, Quality = 100, Width = 0, Height = 0, DecodeTime = TimeSpan.Zero, HashTime = TimeSpan.Zero };

    private static async Task<bool> MatchesAsync(Matcher matcher, Hash256 pdq) =>
        (await matcher.MatchImageAsync(Query(pdq), MatchFilter.Default, TestContext.Current.CancellationToken)).Count == 1;

    [Fact]
    public async Task PrunePastARunningMatcherAndASnapshot_BothReloadFromTheRows_IdsNeverRepeat()
    {
        var ct = TestContext.Current.CancellationToken;
        var location = new DatabaseLocation(_dir);
        var snapshot = new SignalIndexLoader(_dir, TimeProvider.System).SnapshotPath(SignalType.Pdq);
        await using var db = await HaechiDatabase.OpenAsync(location, ct);
        var store = new BankStore(db, TimeProvider.System);
        await store.CreateBankAsync("victims", null, SignalType.Pdq, ct);
        var first = await store.AddEntriesAsync("victims", [new NewBankEntry(Code(1), 100, "a", []), new NewBankEntry(Code(2), 100, "b", [])], ct);

        await using (var running = new Matcher(location))
        {
            await running.EnsureLoadedAsync(ct); // writes the PDQ snapshot at the current checkpoint
            File.Copy(snapshot, snapshot + ".old");
            Assert.True(await MatchesAsync(running, Code(1)));

            // While it is behind: one entry added, one withdrawn, then everything up to now pruned.
            await store.AddEntriesAsync("victims", [new NewBankEntry(Code(3), 100, "c", [])], ct);
            Assert.Equal(1, await store.WithdrawAsync("victims", [first.AddedIds[0]], ct));
            var before = await db.BankChanges.AsNoTracking().MaxAsync(c => c.Id, ct);
            Assert.Equal(3, await BankChangeLog.PruneAsync(db, TimeProvider.System.GetUtcNow().AddMinutes(1), ct));
            var left = Assert.Single(await db.BankChanges.AsNoTracking().ToListAsync(ct));
            Assert.Equal((before, BankChangeKind.Pruned), (left.Id, left.Kind));
            Assert.Equal(0, await BankChangeLog.PruneAsync(db, TimeProvider.System.GetUtcNow().AddMinutes(1), ct)); // the horizon stays

            // The running matcher meets the horizon: it reloads and agrees with the rows.
            await running.RefreshAsync(ct);
            Assert.False(await MatchesAsync(running, Code(1)));
            Assert.True(await MatchesAsync(running, Code(2)));
            Assert.True(await MatchesAsync(running, Code(3)));
            Assert.Equal(before, running.Status.Indexes.Single(i => i.SignalType == SignalType.Pdq.Name).AppliedChange);

            // A change after the prune gets a higher id and is applied as usual.
            await store.AddEntriesAsync("victims", [new NewBankEntry(Code(4), 100, "d", [])], ct);
            Assert.True(await db.BankChanges.AsNoTracking().MaxAsync(c => c.Id, ct) > before);
            await running.RefreshAsync(ct);
            Assert.True(await MatchesAsync(running, Code(4)));
        }

        // A process that finds a snapshot older than the horizon (the running matcher wrote a newer one;
        // put the first one back) rebuilds from the rows instead of catching up.
        File.Move(snapshot + ".old", snapshot, overwrite: true);
        await using var fresh = new Matcher(location);
        await fresh.EnsureLoadedAsync(ct);
        Assert.Equal(nameof(IndexSource.BuiltStale), fresh.PdqSource);
        Assert.False(await MatchesAsync(fresh, Code(1)));
        Assert.True(await MatchesAsync(fresh, Code(2)));
        Assert.True(await MatchesAsync(fresh, Code(3)));
        Assert.True(await MatchesAsync(fresh, Code(4)));
    }

    [Fact]
    public async Task Prune_NothingOlderThanTheRetention_LeavesTheLogAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await HaechiDatabase.OpenAsync(new DatabaseLocation(_dir), ct);
        var store = new BankStore(db, TimeProvider.System);
        await store.CreateBankAsync("victims", null, SignalType.Pdq, ct);
        await store.AddEntriesAsync("victims", [new NewBankEntry(Code(1), 100, "a", [])], ct);
        Assert.Equal(0, await BankChangeLog.PruneAsync(db, TimeProvider.System.GetUtcNow().AddDays(-30), ct));
        var row = Assert.Single(await db.BankChanges.AsNoTracking().ToListAsync(ct));
        Assert.Equal(BankChangeKind.Added, row.Kind);
    }
}
