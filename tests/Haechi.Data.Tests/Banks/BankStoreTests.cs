using Haechi.Core.Hashing;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Tests.Banks;

/// <summary>The store on a real SQLite file.</summary>
public sealed class SqliteBankStoreTests : BankStoreTests
{
    protected override DatabaseLocation Location => new(Directory);
}

/// <summary>The same tests on a real PostgreSQL server (a fresh database per test class instance).</summary>
public sealed class PostgresBankStoreTests : BankStoreTests
{
    private readonly TestPostgres _postgres = new();

    protected override DatabaseLocation Location => new(Directory, _postgres.ConnectionString);

    protected override void Dispose(bool disposing)
    {
        _postgres.Dispose();
        base.Dispose(disposing);
    }
}

public abstract class BankStoreTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("haechi-data-").FullName;

    protected string Directory => _dir;

    protected abstract DatabaseLocation Location { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) => System.IO.Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Hash256 Code(int seed)
    {
        var random = new Random(seed);
        return new Hash256((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
    }

    private static NewBankEntry Entry(int seed, string? id = null, params string[] labels) => new(Code(seed), 90, id, labels);

    private async Task<(HaechiDbContext Db, BankStore Store)> OpenAsync()
    {
        var db = await HaechiDatabase.OpenAsync(Location, Ct);
        return (db, new BankStore(db, TimeProvider.System));
    }

    [Fact]
    public async Task AddEntriesAsync_Reopened_EverythingThere()
    {
        var (db, store) = await OpenAsync();
        await using (db)
        {
            await store.CreateBankAsync("victims", "registered by victims", SignalType.Pdq, Ct);
            var result = await store.AddEntriesAsync("victims", [Entry(1, "case-1", "self"), Entry(2, "case-1"), Entry(3)], Ct);
            Assert.Equal([1L, 2L, 3L], result.AddedIds);
        }

        (db, store) = await OpenAsync();
        await using (db)
        {
            var entries = await store.ReadEntriesAsync("victims", Ct).ToListAsync(Ct);
            Assert.Equal(3, entries.Count);
            Assert.Equal(Code(1), entries[0].Signal);
            Assert.Equal("case-1", entries[0].ExternalId);
            Assert.Equal(["self"], entries[0].Labels);
            Assert.Null(entries[2].ExternalId);
            var bank = await store.GetBankAsync("victims", Ct);
            Assert.Equal(3, bank.ActiveEntries);
            Assert.Equal("registered by victims", bank.Description);
        }
    }

    [Fact]
    public async Task AddEntriesAsync_SameSignalAndId_ReportedAsDuplicate()
    {
        var (db, store) = await OpenAsync();
        await using var _ = db;
        await store.CreateBankAsync("b", null, SignalType.Pdq, Ct);
        await store.AddEntriesAsync("b", [Entry(1, "x")], Ct);
        var again = await store.AddEntriesAsync("b", [Entry(1, "x"), Entry(1, "y"), Entry(2), Entry(2)], Ct);
        Assert.Equal(0, again.AddedIds[0]);
        Assert.NotEqual(0, again.AddedIds[1]);
        Assert.NotEqual(0, again.AddedIds[2]);
        Assert.Equal(0, again.AddedIds[3]);
        Assert.Equal([(0, 1L), (3, again.AddedIds[2])], again.Duplicates);
    }

    [Theory]
    [InlineData("Victims")]
    [InlineData("-x")]
    [InlineData("")]
    [InlineData("a b")]
    public async Task CreateBankAsync_BadName_RefusedClearly(string name)
    {
        var (db, store) = await OpenAsync();
        await using var _ = db;
        var ex = await Assert.ThrowsAsync<BankStoreException>(() => store.CreateBankAsync(name, null, SignalType.Pdq, Ct));
        Assert.Contains("bank name", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CreateBankAsync_Twice_RefusedAndFirstKept()
    {
        var (db, store) = await OpenAsync();
        await using var _ = db;
        await store.CreateBankAsync("b", "first", SignalType.Pdq, Ct);
        var ex = await Assert.ThrowsAsync<BankStoreException>(() => store.CreateBankAsync("b", "second", SignalType.Pdq, Ct));
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        Assert.Equal("first", (await store.GetBankAsync("b", Ct)).Description);
    }

    [Fact]
    public async Task AddEntriesAsync_UnknownBankOrBadEntry_NothingAdded()
    {
        var (db, store) = await OpenAsync();
        await using var _ = db;
        await Assert.ThrowsAsync<BankStoreException>(() => store.AddEntriesAsync("nope", [Entry(1)], Ct));
        await store.CreateBankAsync("b", null, SignalType.Pdq, Ct);
        var ex = await Assert.ThrowsAsync<BankStoreException>(() => store.AddEntriesAsync("b", [Entry(1), Entry(2, "bad,id")], Ct));
        Assert.StartsWith("Entry 2:", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BankStoreException>(() => store.AddEntriesAsync("b", [Entry(3, null, "has space")], Ct));
        Assert.Equal(0, (await store.GetBankAsync("b", Ct)).ActiveEntries);
    }

    [Fact]
    public async Task WithdrawAsync_Entries_ErasedAndGoneFromIndexAfterRestart_ByTheChangeLog()
    {
        var (db, store) = await OpenAsync();
        await using (db)
        {
            await store.CreateBankAsync("b", null, SignalType.Pdq, Ct);
            await store.AddEntriesAsync("b", [Entry(1, "case-9"), Entry(2, "case-9"), Entry(3, "other")], Ct);
            var loader = new SignalIndexLoader(_dir, TimeProvider.System);
            var before = await loader.LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct);
            Assert.Equal(IndexSource.BuiltNoSnapshot, before.Source);
            Assert.Equal(3, before.Index.Count);
            Assert.Equal(2, await store.WithdrawByExternalIdAsync(null, "case-9", Ct));
        }

        (db, store) = await OpenAsync();
        await using (db)
        {
            var loaded = await new SignalIndexLoader(_dir, TimeProvider.System).LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct);
            // The snapshot is behind the change log: the two withdrawals are applied to it, not a rebuild.
            Assert.Equal(IndexSource.SnapshotCaughtUp, loaded.Source);
            var results = new List<Haechi.Core.Matching.HammingMatch>();
            loaded.Index.Search(Code(1), 31, results);
            Assert.Empty(results);
            loaded.Index.Search(Code(3), 0, results);
            Assert.Single(results);
            var summary = await store.GetBankAsync("b", Ct);
            Assert.Equal((1, 2), (summary.ActiveEntries, summary.WithdrawnEntries));
            Assert.Empty(await new BankSignalReader(db).GetActiveEntriesAsync([1, 2], Ct));

            // The fingerprint itself is erased from the row, not only flagged.
            Assert.Null(db.BankEntries.Single(e => e.Id == 1).Signal);
        }

        (db, store) = await OpenAsync();
        await using (db)
        {
            var again = await new SignalIndexLoader(_dir, TimeProvider.System).LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct);
            Assert.Equal(IndexSource.Snapshot, again.Source);
            Assert.Equal(1, again.Index.Count);
        }
    }

    [Fact]
    public async Task WithdrawAsync_UnknownId_NothingChanged()
    {
        var (db, store) = await OpenAsync();
        await using var _ = db;
        await store.CreateBankAsync("b", null, SignalType.Pdq, Ct);
        await store.AddEntriesAsync("b", [Entry(1), Entry(2)], Ct);
        var ex = await Assert.ThrowsAsync<BankStoreException>(() => store.WithdrawAsync("b", [1, 77], Ct));
        Assert.Contains("77", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.GetBankAsync("b", Ct)).ActiveEntries);
    }

    [Fact]
    public async Task LoadAsync_CorruptSnapshot_RebuiltAndReported()
    {
        var (db, store) = await OpenAsync();
        await using var _ = db;
        await store.CreateBankAsync("b", null, SignalType.Pdq, Ct);
        await store.AddEntriesAsync("b", [Entry(1), Entry(2)], Ct);
        var loader = new SignalIndexLoader(_dir, TimeProvider.System);
        await loader.LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct);
        var path = loader.SnapshotPath(SignalType.Pdq);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^5] ^= 0x40;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var loaded = await loader.LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct);
        Assert.Equal(IndexSource.BuiltCorrupt, loaded.Source);
        Assert.Equal(2, loaded.Index.Count);
        Assert.Equal(IndexSource.Snapshot, (await loader.LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct)).Source);
    }

    private static float[] Embedding(int seed)
    {
        var random = new Random(seed);
        var vector = new float[SignalType.FaceFaceresV1.Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        return vector;
    }

    [Fact]
    public async Task FaceBank_EnrolReopenWithdraw_IndexFollowsTheStoreAndEmbeddingsAreErased()
    {
        var (db, store) = await OpenAsync();
        await using (db)
        {
            var created = await store.CreateFaceBankAsync("enrolled", null, SignalType.FaceFaceresV1, "faceres:abc", Ct);
            Assert.Equal("face-faceres-v1", created.SignalType);
            var added = await store.AddFaceEntriesAsync("enrolled", [new(Embedding(1), 90, "case-a", []), new(Embedding(2), 80, "case-a", []), new(Embedding(3), 95, "case-b", ["consented"])], Ct);
            Assert.Equal(3, added.AddedIds.Count(id => id != 0));
            var again = await store.AddFaceEntriesAsync("enrolled", [new(Embedding(1), 90, "case-a", [])], Ct);
            Assert.Single(again.Duplicates);
        }

        (db, store) = await OpenAsync();
        await using (db)
        {
            Assert.Equal("faceres:abc", (await store.GetBankAsync("enrolled", Ct)).EmbeddingModel);
            var bank = Assert.Single(await new BankSignalReader(db).LoadFaceBanksAsync("faceres:abc", null, Ct));
            Assert.Equal(3, bank.Index.Count);
            var best = bank.Index.Best(Embedding(2))!.Value;
            Assert.Equal("case-a", bank.SubjectOf(best.Id));
            Assert.Equal(1f, best.Similarity, 4);
            Assert.Empty(await new BankSignalReader(db).LoadFaceBanksAsync("other-model", null, Ct));

            // Withdrawal of a subject (in every bank, as a victim's withdrawal does) erases its embeddings.
            Assert.Equal(2, await store.WithdrawByExternalIdAsync(null, "case-a", Ct));
            Assert.Equal(1, await db.BankEntryEmbeddings.CountAsync(Ct));
            var reloaded = Assert.Single(await new BankSignalReader(db).LoadFaceBanksAsync(null, "enrolled", Ct));
            Assert.Equal(1, reloaded.Index.Count);
            Assert.Equal("case-b", reloaded.SubjectOf(reloaded.Index.Best(Embedding(1))!.Value.Id));
            var summary = await store.GetBankAsync("enrolled", Ct);
            Assert.Equal((1L, 2L), (summary.ActiveEntries, summary.WithdrawnEntries));
        }
    }

    [Fact]
    public async Task EraseByExternalId_RowsGoneWithTheirViews_ChangesLoggedAndTheSnapshotCaughtUpHoldsNone()
    {
        var (db, store) = await OpenAsync();
        var loader = new SignalIndexLoader(_dir, TimeProvider.System);
        await using (db)
        {
            await store.CreateBankAsync("b", null, SignalType.Pdq, Ct);
            await store.AddEntriesAsync("b", [Entry(41, "case-e"), Entry(42, "case-e"), Entry(43, "other")], Ct);
            Assert.Equal(3, (await loader.LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct)).Index.Count);
            var before = await new BankSignalReader(db).GetLastChangeIdAsync(Ct);

            var erased = await store.EraseByExternalIdAsync("case-e", Ct);
            Assert.Equal(2, erased.Count);
            Assert.True(await HaechiDatabase.FlushErasedAsync(db, ["bank_entries"], attempts: 10, Ct));
            Assert.Equal(["other"], await db.BankEntries.Select(e => e.ExternalId).ToListAsync(Ct));
            var changes = await new BankSignalReader(db).ReadChangesAsync(before, 10, Ct);
            Assert.Equal(erased.Order(), changes.Where(c => c.Kind == BankChangeKind.Withdrawn).Select(c => c.EntryId).Order());

            // Erasing again finds nothing; a restart catches the snapshot up and rewrites it without the erased codes.
            Assert.Empty(await store.EraseByExternalIdAsync("case-e", Ct));
        }

        (db, store) = await OpenAsync();
        await using (db)
        {
            var loaded = await loader.LoadAsync(new BankSignalReader(db), SignalType.Pdq, Ct);
            Assert.Equal(IndexSource.SnapshotCaughtUp, loaded.Source);
            Assert.Equal(1, loaded.Index.Count);
            Assert.Equal(0, loaded.Index.RemovedCount);
            var snapshot = await File.ReadAllBytesAsync(loader.SnapshotPath(SignalType.Pdq), Ct);
            foreach (var (seed, expected) in new[] { (41, false), (42, false), (43, true) })
            {
                var code = Code(seed);
                var bytes = new byte[32];
                System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in code);
                Assert.Equal(expected, snapshot.AsSpan().IndexOf(bytes) >= 0);
            }
        }
    }

    [Fact]
    public async Task FaceBank_WrongSignalsOrLength_Refused()
    {
        var (db, store) = await OpenAsync();
        await using (db)
        {
            await Assert.ThrowsAsync<BankStoreException>(() => store.CreateBankAsync("faces", null, SignalType.FaceFaceresV1, Ct));
            await store.CreateBankAsync("photos", null, SignalType.Pdq, Ct);
            await store.CreateFaceBankAsync("faces", null, SignalType.FaceFaceresV1, "faceres:abc", Ct);
            await Assert.ThrowsAsync<BankStoreException>(() => store.AddFaceEntriesAsync("photos", [new(Embedding(1), 90, "case-a", [])], Ct));
            await Assert.ThrowsAsync<BankStoreException>(() => store.AddFaceEntriesAsync("faces", [new(new float[128], 90, "case-a", [])], Ct));
            await Assert.ThrowsAsync<BankStoreException>(() => store.AddFaceEntriesAsync("faces", [new(new float[1024], 90, "case-a", [])], Ct));
            await Assert.ThrowsAsync<BankStoreException>(() => store.AddEntriesAsync("faces", [Entry(1)], Ct));
            Assert.Equal(0, (await store.GetBankAsync("faces", Ct)).ActiveEntries);
        }
    }
}
