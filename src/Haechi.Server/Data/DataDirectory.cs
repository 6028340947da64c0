namespace Haechi.Server.Data;

/// <summary>
/// The directory of Haechi's data (SQLite store, index snapshots): <c>--data-dir PATH</c>, else
/// <c>HAECHI_DATA_DIR</c>, else <c>./data</c>; the same directory the CLI uses.
/// </summary>
internal sealed record DataDirectory(string Path)
{
    /// <summary>Configuration key that <c>--data-dir</c> on the command line sets.</summary>
    public const string Key = "data-dir";

    /// <summary>The environment variable the CLI also reads.</summary>
    public const string EnvironmentVariable = "HAECHI_DATA_DIR";

    public static DataDirectory From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var given = configuration[Key];
        if (string.IsNullOrWhiteSpace(given))
        {
            given = configuration[EnvironmentVariable];
        }

        return new DataDirectory(System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(given) ? "data" : given));
    }
}
