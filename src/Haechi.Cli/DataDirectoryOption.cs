using System.CommandLine;

namespace Haechi.Cli;

/// <summary>
/// <c>--data-dir PATH</c> on every command, else <c>HAECHI_DATA_DIR</c>, else <c>./data</c>: the one
/// directory that holds Haechi's store (banks, model cache, snapshots), shared with the server.
/// </summary>
internal static class DataDirectoryOption
{
    public const string EnvironmentVariable = "HAECHI_DATA_DIR";

    public static Option<string?> Option { get; } = new("--data-dir")
    {
        Description = "Directory of Haechi's data (banks, model cache). Default: $HAECHI_DATA_DIR, else ./data.",
        Recursive = true,
    };

    /// <summary>The data directory for this invocation (not created).</summary>
    public static string Resolve(ParseResult result)
    {
        var given = result.GetValue(Option);
        if (!string.IsNullOrWhiteSpace(given))
        {
            return Path.GetFullPath(given);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Path.GetFullPath(string.IsNullOrWhiteSpace(fromEnvironment) ? "data" : fromEnvironment);
    }
}
