using Haechi.Data;
using Haechi.Data.Audit;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Tests.Audit;

public sealed class AuditCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haechi-audit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Error) Haechi(params string[] args) => CliRunner.Run(["--data-dir", _dir, .. args]);

    [Fact]
    public async Task Verify_AfterEditInTheDatabase_ReportsTheEntry()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = await HaechiDatabase.OpenAsync(_dir, ct))
        {
            var log = new AuditLog(db, TimeProvider.System);
            for (var i = 0; i < 5; i++)
            {
                await log.AppendAsync("victim", "case.registered", $"HC-{i}", "signals=3", ct);
            }
        }

        var intact = Haechi("audit", "verify");
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("intact: 5 entries", intact.Out, StringComparison.Ordinal);
        Assert.Equal(5, CliRunner.Lines(Haechi("audit", "list").Out).Length);

        await using (var db = await HaechiDatabase.OpenAsync(_dir, ct))
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET detail = 'signals=0' WHERE sequence = 3", ct);
        }

        var broken = Haechi("audit", "verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("BROKEN at entry 3", broken.Error, StringComparison.Ordinal);

        await using (var db = await HaechiDatabase.OpenAsync(_dir, ct))
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET detail = 'signals=3' WHERE sequence = 3", ct);
            await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE sequence = 2", ct);
        }

        Assert.Contains("BROKEN at entry 2: an entry is missing", Haechi("audit", "verify").Error, StringComparison.Ordinal);
    }
}
