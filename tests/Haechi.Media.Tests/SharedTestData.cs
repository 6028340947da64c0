namespace Haechi.Media.Tests;

/// <summary>
/// Finds <c>../shared/testdata</c> beside the checkout (or <c>HAECHI_SHARED_TESTDATA</c>). When it is
/// missing, tests skip on a developer machine and fail when <c>CI=true</c>, so CI never goes green
/// without the reference data.
/// </summary>
internal static class SharedTestData
{
    private static readonly Lazy<string?> Root = new(Find);

    public static string Pdq => Path.Combine(Require(), "pdq");

    public static string Require()
    {
        var root = Root.Value;
        if (root is not null)
        {
            return root;
        }

        const string Message = "The reference data ../shared/testdata was not found beside the checkout (set HAECHI_SHARED_TESTDATA).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(Message);
        }

        Assert.Skip(Message);
        return string.Empty;
    }

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("HAECHI_SHARED_TESTDATA");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata");
            if (Directory.Exists(Path.Combine(candidate, "pdq")))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Reads a reference CSV (no header) into rows of fields.</summary>
    public static List<string[]> ReadCsv(string path)
    {
        var rows = new List<string[]>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0)
            {
                rows.Add(line.Split(','));
            }
        }

        return rows;
    }
}
