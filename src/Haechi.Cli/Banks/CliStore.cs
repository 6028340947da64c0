using System.CommandLine;
using Haechi.Data;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Banks;

/// <summary>Opens the store in the data directory for one command.</summary>
internal static class CliStore
{
    public static async Task<HaechiDbContext> OpenAsync(ParseResult result, CancellationToken cancellationToken) =>
        await HaechiDatabase.OpenAsync(DatabaseLocation.FromEnvironment(DataDirectoryOption.Resolve(result)), cancellationToken).ConfigureAwait(false);

    public static BankStore Banks(HaechiDbContext db) => new(db, TimeProvider.System);

    /// <summary>The store the command works on (SQLite in the data directory, or PostgreSQL from the environment).</summary>
    public static DatabaseLocation Location(ParseResult result) => DatabaseLocation.FromEnvironment(DataDirectoryOption.Resolve(result));

    /// <summary>
    /// The one matcher over the command's store, loaded (snapshots caught up with the change log, or
    /// rebuilt); a damaged snapshot is reported on stderr.
    /// </summary>
    public static async Task<Matcher> MatcherAsync(CliConsole console, ParseResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        var matcher = new Matcher(Location(result));
        try
        {
            await matcher.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await matcher.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (matcher.PdqSource == nameof(IndexSource.BuiltCorrupt))
        {
            await console.Error.WriteLineAsync("haechi: the PDQ index snapshot was damaged; rebuilt it from the bank rows").ConfigureAwait(false);
        }

        return matcher;
    }
}
