using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Data.Tests;

/// <summary>Every way a context is opened (DI, the workers' factory, the migrating open) takes the same SQLite pragmas.</summary>
public sealed class HaechiStoreServicesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-store-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(string JournalMode, long Synchronous, long ForeignKeys)> PragmasAsync(HaechiDbContext db)
    {
        await db.Database.OpenConnectionAsync(Ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            var journal = (string)(await command.ExecuteScalarAsync(Ct))!;
            command.CommandText = "PRAGMA synchronous";
            var synchronous = (long)(await command.ExecuteScalarAsync(Ct))!;
            command.CommandText = "PRAGMA foreign_keys";
            var foreignKeys = (long)(await command.ExecuteScalarAsync(Ct))!;
            return (journal, synchronous, foreignKeys);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [Fact]
    public async Task OpenAsync_Sqlite_WalFullFsyncForeignKeys()
    {
        await using var db = await HaechiDatabase.OpenAsync(new DatabaseLocation(_dir), Ct);
        Assert.Equal(("wal", 2L, 1L), await PragmasAsync(db));
        Assert.True(File.Exists(Path.Combine(_dir, HaechiDatabase.FileName)));
    }

    [Fact]
    public async Task StoreContextFactory_Sqlite_WalFullFsyncForeignKeys()
    {
        var location = new DatabaseLocation(_dir);
        await (await HaechiDatabase.OpenAsync(location, Ct)).DisposeAsync();
        await using var db = await StoreContextFactory.For(location)(Ct);
        Assert.Equal(("wal", 2L, 1L), await PragmasAsync(db));
    }

    [Fact]
    public async Task AddHaechiStore_Sqlite_FactoryAndScopedContextTakeThePragmas()
    {
        var location = new DatabaseLocation(_dir);
        var services = new ServiceCollection().AddHaechiStore(location);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        Assert.Same(location, provider.GetRequiredService<DatabaseLocation>());

        // Before any migration: the interceptor makes the new file WAL, as the migrating open would.
        await using (var fresh = await provider.GetRequiredService<IDbContextFactory<HaechiDbContext>>().CreateDbContextAsync(Ct))
        {
            Assert.Equal(("wal", 2L, 1L), await PragmasAsync(fresh));
        }

        await (await HaechiDatabase.OpenAsync(location, Ct)).DisposeAsync();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HaechiDbContext>();
            Assert.Same(db, scope.ServiceProvider.GetRequiredService<HaechiDbContext>());
            Assert.Equal(("wal", 2L, 1L), await PragmasAsync(db));
            var applied = (await db.Database.GetAppliedMigrationsAsync(Ct)).ToList();
            Assert.EndsWith("_Initial", applied[0], StringComparison.Ordinal);
            Assert.Equal(db.Database.GetMigrations(), applied);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        }
    }

    [Fact]
    public async Task AddHaechiStore_ConnectionString_PostgreSqlWithItsMigrations()
    {
        var location = new DatabaseLocation(_dir, "Host=127.0.0.1;Database=haechi_unused");
        await using var provider = new ServiceCollection().AddHaechiStore(_ => location).BuildServiceProvider();
        await using var db = await provider.GetRequiredService<IDbContextFactory<HaechiDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        // The PostgreSQL migrations come from their own assembly (no server is contacted to list them):
        // one per schema change, the same changes as SQLite's, in the same order.
        var migrations = db.Database.GetMigrations().ToList();
        Assert.EndsWith("_Initial", migrations[0], StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, HaechiDatabase.FileName)));
        await using var sqlite = new ServiceCollection().AddHaechiStore(_ => new DatabaseLocation(_dir)).BuildServiceProvider();
        await using var sqliteDb = await sqlite.GetRequiredService<IDbContextFactory<HaechiDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(sqliteDb.Database.GetMigrations().Select(Name), migrations.Select(Name));
    }

    // A migration's name without its timestamp (the two providers' migrations were generated seconds apart).
    private static string Name(string migration) => migration[(migration.IndexOf('_', StringComparison.Ordinal) + 1)..];
}
