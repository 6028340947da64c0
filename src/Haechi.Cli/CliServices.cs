using System.CommandLine;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Data.Sealing;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;
using Haechi.Pipeline.Review;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Haechi.Cli;

/// <summary>
/// The services of one <c>haechi</c> command, on the generic host and registered by the same
/// <c>AddX()</c> calls as the server's: the store (<see cref="HaechiStoreServices.AddHaechiStore(IServiceCollection, Func{IServiceProvider, DatabaseLocation})"/>),
/// the one <see cref="Matcher"/>, the review queue and the sealer. Configuration comes from the
/// server's sources where they apply: environment variables (<c>ConnectionStrings__Haechi</c>,
/// <c>Sealing__Key</c>, <c>Sealing__KeyId</c>) and the data directory (<c>--data-dir</c>, else
/// <c>HAECHI_DATA_DIR</c>, else <c>./data</c>); no <c>appsettings.json</c> and no log output, so a
/// command prints only its own lines. The host is built, never started: a command runs no
/// background service (its matcher loads once). Every command that needs the store, the matcher,
/// the review queue or the ingestion pipeline opens them here, never on its own.
/// </summary>
internal sealed class CliServices : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly List<IDisposable> _owned = [];

    private CliServices(IHost host) => _host = host;

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The store the command works on (SQLite in the data directory, or PostgreSQL from <c>ConnectionStrings:Haechi</c>).</summary>
    public DatabaseLocation Location => Services.GetRequiredService<DatabaseLocation>();

    /// <summary>The host's clock.</summary>
    public TimeProvider Time => Services.GetRequiredService<TimeProvider>();

    /// <summary>The services of the command that <paramref name="result"/> parsed, on its data directory.</summary>
    public static CliServices Create(ParseResult result) => Create(DataDirectoryOption.Resolve(result));

    /// <summary>The services on <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="settings">Configuration over the environment's (a benchmark's scratch store, tests).</param>
    public static CliServices Create(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = "haechi" });
        builder.Configuration.AddEnvironmentVariables();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHaechiStore(sp => new DatabaseLocation(dataDirectory, sp.GetRequiredService<IConfiguration>().GetConnectionString("Haechi")));
        builder.Services.AddSealing();
        builder.Services.AddMatching();
        builder.Services.AddReviewQueue();
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
        return new CliServices(builder.Build());
    }

    /// <summary>A new context on the store, created and migrated when needed; the caller disposes it.</summary>
    public Task<HaechiDbContext> OpenStoreAsync(CancellationToken cancellationToken) =>
        HaechiDatabase.OpenAsync(Services.GetRequiredService<IDbContextFactory<HaechiDbContext>>(), Location, cancellationToken);

    /// <summary>The banks of a context opened by <see cref="OpenStoreAsync"/>.</summary>
    public BankStore Banks(HaechiDbContext db) => new(db, Time, Services.GetRequiredService<ContentSealer>());

    /// <summary>
    /// The one matcher, loaded (snapshots caught up with the change log, or rebuilt); a damaged
    /// snapshot is reported on stderr. It lives as long as these services.
    /// </summary>
    public async Task<Matcher> MatcherAsync(CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        var matcher = Services.GetRequiredService<Matcher>();
        await matcher.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        if (matcher.PdqSource == nameof(IndexSource.BuiltCorrupt))
        {
            await console.Error.WriteLineAsync("haechi: the PDQ index snapshot was damaged; rebuilt it from the bank rows").ConfigureAwait(false);
        }

        return matcher;
    }

    /// <summary>
    /// The ingestion pipeline on the store (migrated first), built as the server builds it: the
    /// sealer (key file, or <c>Sealing__Key</c>), the review queue, the one matcher; a fetcher with
    /// <paramref name="fetchOptions"/> that lives as long as these services.
    /// </summary>
    public async Task<IngestionPipeline> OpenPipelineAsync(IngestionOptions options, FetchOptions fetchOptions, CancellationToken cancellationToken, IngestVision? vision = null)
    {
        await (await OpenStoreAsync(cancellationToken).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        var fetcher = new SafeFetcher(fetchOptions);
        _owned.Add(fetcher);
        return Services.CreateIngestionPipeline(fetcher, options, vision);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        if (_host is IAsyncDisposable host)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }
}
