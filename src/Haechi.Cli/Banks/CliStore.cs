using System.CommandLine;
using Haechi.Data;
using Haechi.Data.Banks;

namespace Haechi.Cli.Banks;

/// <summary>Opens the store in the data directory for one command.</summary>
internal static class CliStore
{
    public static async Task<HaechiDbContext> OpenAsync(ParseResult result, CancellationToken cancellationToken) =>
        await HaechiDatabase.OpenAsync(DatabaseLocation.FromEnvironment(DataDirectoryOption.Resolve(result)), cancellationToken).ConfigureAwait(false);

    public static BankStore Banks(HaechiDbContext db) => new(db, TimeProvider.System);
}
