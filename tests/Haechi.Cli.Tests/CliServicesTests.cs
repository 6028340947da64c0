using Haechi.Data;
using Haechi.Data.Sealing;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Haechi.Cli.Tests;

/// <summary>
/// Every command resolves the store, the matcher, the review queue and the sealer from one generic
/// host, registered as the server registers them and configured from the same sources (the
/// environment, the data directory).
/// </summary>
public sealed class CliServicesTests : IDisposable
{
    private readonly HaechiCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Create_ServerRegistrations_OneMatcherReviewQueueSealerOnTheDataDirectory()
    {
        await using var services = _cli.Services(new Dictionary<string, string?> { ["ConnectionStrings:Haechi"] = string.Empty });

        Assert.Equal(new DatabaseLocation(_cli.DataDirectory, string.Empty), services.Location);
        Assert.False(services.Location.IsPostgres);
        Assert.Same(services.Services.GetRequiredService<Matcher>(), services.Services.GetRequiredService<Matcher>());
        Assert.Same(services.Services.GetRequiredService<ContentSealer>(), services.Services.GetRequiredService<ContentSealer>());
        Assert.NotNull(services.Services.GetRequiredService<IReviewSink>());
        await using (var scope = services.Services.CreateAsyncScope())
        {
            Assert.NotNull(scope.ServiceProvider.GetRequiredService<IReviewQueue>());
        }

        // The environment is a configuration source, as in the server (ConnectionStrings__Haechi, Sealing__Key).
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), services.Services.GetRequiredService<IConfiguration>()["PATH"]);
    }

    [Fact]
    public async Task Sealer_KeyInConfiguration_SealsWithItAsTheServerDoes()
    {
        var key = Convert.ToBase64String(new byte[ContentSealer.KeyLength]);
        await using var services = _cli.Services(new Dictionary<string, string?> { [SealingKeyFile.KeySetting] = key, [SealingKeyFile.KeyIdSetting] = "4242" });

        var sealer = services.Services.GetRequiredService<ContentSealer>();

        Assert.Equal(4242, sealer.CurrentKeyId);
        var server = SealingKeyFile.Open(_cli.DataDirectory, setting => setting == SealingKeyFile.KeySetting ? key : setting == SealingKeyFile.KeyIdSetting ? "4242" : null);
        Assert.Equal("evidence"u8.ToArray(), server.Open(sealer.Seal("evidence"u8, "ctx"u8), "ctx"u8));
    }

    [Fact]
    public async Task Fixture_BankAddThenMatch_TheCommandsAndTheServicesSeeOneStore()
    {
        _cli.CreateBank("victims");
        var id = _cli.AddPhoto("victims", HaechiCli.Photo(21), "case-7");

        var match = Assert.Single(_cli.Match(HaechiCli.Copy(21)));
        Assert.Equal(("victims", id), (match.Bank, match.EntryId));
        Assert.InRange(match.Distance, 0, 31);
        Assert.Empty(_cli.Match(HaechiCli.Photo(22)));

        await using var services = _cli.Services();
        var console = new CliConsole(TextWriter.Null, TextWriter.Null, errorIsTerminal: false);
        var matcher = await services.MatcherAsync(console, TestContext.Current.CancellationToken);
        Assert.True(matcher.PdqCount >= 1);
        await using var db = await services.OpenStoreAsync(TestContext.Current.CancellationToken);
        var bank = await services.Banks(db).GetBankAsync("victims", TestContext.Current.CancellationToken);
        Assert.Equal(1, bank.ActiveEntries);
    }

    [Fact]
    public async Task OpenPipeline_OnTheStore_QueuesThroughTheSameServices()
    {
        await using var services = _cli.Services();
        var pipeline = await services.OpenPipelineAsync(IngestionOptions.Default, Pipeline.Fetching.FetchOptions.Default, TestContext.Current.CancellationToken);
        var outcome = await pipeline.EnqueueAsync(new IngestRequest("test", "file:1", FilePath: _cli.WriteFile(HaechiCli.Photo(3))), TestContext.Current.CancellationToken);

        Assert.Equal(EnqueueStatus.Accepted, outcome.Status);
        Assert.Contains("queued\t1", _cli.Run("ingest", "status").Out, StringComparison.Ordinal);
    }
}
