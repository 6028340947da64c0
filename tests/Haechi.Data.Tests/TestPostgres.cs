using Npgsql;

namespace Haechi.Data.Tests;

/// <summary>
/// A throw-away database on the PostgreSQL server named by <c>HAECHI_TEST_POSTGRES</c> (test.sh
/// starts Debian's server and sets it). Missing: skip locally, fail when <c>CI=true</c>.
/// </summary>
internal sealed class TestPostgres : IDisposable
{
    public const string Variable = "HAECHI_TEST_POSTGRES";
    private readonly string? _server;
    private readonly string _database = "haechi_test_" + Guid.NewGuid().ToString("N")[..12];

    public TestPostgres()
    {
        _server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(_server))
        {
            const string Message = "PostgreSQL is not configured: set HAECHI_TEST_POSTGRES (test.sh starts Debian's server and sets it).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(Message);
            }

            Assert.Skip(Message);
        }
    }

    /// <summary>Connection string of this test's database (EF creates it on first migration).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _database, Pooling = false }.ToString();

    public void Dispose()
    {
        if (string.IsNullOrWhiteSpace(_server))
        {
            return;
        }

        // An autovacuum worker may still be in the database; FORCE ends it when the role holds
        // pg_signal_backend (test.sh grants it), otherwise wait for the worker to finish.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                DropDatabase();
                return;
            }
            catch (PostgresException e) when (attempt < 20 && e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                Thread.Sleep(250);
            }
        }
    }

    private void DropDatabase()
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)";
        command.ExecuteNonQuery();
    }
}
