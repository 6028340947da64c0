using Haechi.Core.Reports;
using Haechi.Core.Review;
using Haechi.Data.Cases;
using Haechi.Data.Review;
using Haechi.Data.Writing;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Data.Tests.Writing;

/// <summary>The inserter on a real SQLite file.</summary>
public sealed class SqliteRowInserterTests : RowInserterTests
{
    protected override DatabaseLocation Location => new(Directory);
}

/// <summary>The same on a real PostgreSQL server.</summary>
public sealed class PostgresRowInserterTests : RowInserterTests
{
    private readonly TestPostgres _postgres = new();

    protected override DatabaseLocation Location => new(Directory, _postgres.ConnectionString);

    protected override void Dispose(bool disposing)
    {
        _postgres.Dispose();
        base.Dispose(disposing);
    }
}

public abstract class RowInserterTests : IDisposable
{
    private readonly string _dir = System.IO.Directory.CreateTempSubdirectory("haechi-insert-").FullName;

    protected string Directory => _dir;

    protected abstract DatabaseLocation Location { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) => System.IO.Directory.Delete(_dir, recursive: true);

    private static ReportRecord Report(int i) => new()
    {
        Receipt = $"HR-{i:00000}-AAAAA",
        Urls = $"https://example.org/{i}",
        Platform = i % 2 == 0 ? ReportPlatform.Telegram : ReportPlatform.Website,
        Channel = i % 3 == 0 ? null : $"room {i}",
        PossibleMinor = i % 5 == 0,
        Intake = "api",
        CreatedAt = new DateTimeOffset(2026, 11, 23, 12, 0, i, TimeSpan.Zero),
        Priority = i % 5 == 0 ? ReportPriority.Highest : ReportPriority.Normal,
    };

    [Fact]
    public async Task InsertAsync_Rows_ReadBackAsEfWouldWriteThemWithTheirKeys()
    {
        var db = await HaechiDatabase.OpenAsync(Location, Ct);
        await using (db)
        {
            var reports = new ReportRecord[20];
            for (var i = 0; i < reports.Length; i++)
            {
                reports[i] = Report(i);
            }

            var transaction = await db.Database.BeginTransactionAsync(Ct);
            await using (transaction)
            {
                await RowInserter.InsertAsync(db, reports, Ct);
                var items = new ReviewItemRecord[reports.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = new ReviewItemRecord { Kind = ReviewItemKind.Report, SourceId = reports[i].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), PossibleMinor = reports[i].PossibleMinor, Pdq = i == 3 ? new byte[32] : null, Status = ReviewStatus.Open, CreatedAt = reports[i].CreatedAt };
                }

                await RowInserter.InsertAsync(db, items, Ct);
                await transaction.CommitAsync(Ct);
            }

            Assert.Equal(reports.Length, reports.Select(r => r.Id).Distinct().Count());
            Assert.All(reports, r => Assert.True(r.Id > 0));
        }

        db = await HaechiDatabase.OpenAsync(Location, Ct);
        await using (db)
        {
            var stored = await db.Reports.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
            Assert.Equal(20, stored.Count);
            for (var i = 0; i < stored.Count; i++)
            {
                var expected = Report(i);
                Assert.Equal(expected.Receipt, stored[i].Receipt);
                Assert.Equal(expected.Platform, stored[i].Platform);
                Assert.Equal(expected.Channel, stored[i].Channel);
                Assert.Equal(expected.Priority, stored[i].Priority);
                Assert.Equal(expected.CreatedAt, stored[i].CreatedAt);
            }

            var items = await db.ReviewItems.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
            Assert.Equal(20, items.Count);
            Assert.Equal(stored[7].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), items[7].SourceId);
            Assert.Equal(new byte[32], items[3].Pdq);
            Assert.Null(items[4].Pdq);
            Assert.True(items[5].PossibleMinor);
        }
    }

    [Fact]
    public async Task InsertAsync_WithoutTransaction_Refused()
    {
        var db = await HaechiDatabase.OpenAsync(Location, Ct);
        await using (db)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => RowInserter.InsertAsync(db, [Report(1)], Ct));
            Assert.False(await db.Reports.AnyAsync(Ct));
        }
    }

    [Fact]
    public async Task InsertAsync_RolledBack_NothingStored()
    {
        var db = await HaechiDatabase.OpenAsync(Location, Ct);
        await using (db)
        {
            var transaction = await db.Database.BeginTransactionAsync(Ct);
            await using (transaction)
            {
                await RowInserter.InsertAsync(db, [Report(1), Report(2)], Ct);
                await transaction.RollbackAsync(Ct);
            }

            Assert.False(await db.Reports.AnyAsync(Ct));
        }
    }
}
