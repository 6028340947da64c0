using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Haechi.Data.PostgreSql;

/// <summary>
/// Lets <c>dotnet ef migrations add NAME --project src/Haechi.Data.PostgreSql</c> build the
/// PostgreSQL migrations; no server is contacted to generate them.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<HaechiDbContext>
{
    public HaechiDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<HaechiDbContext>();
        HaechiDatabase.Configure(options, new DatabaseLocation(Path.GetTempPath(), "Host=127.0.0.1;Database=haechi_design"));
        return new HaechiDbContext(options.Options);
    }
}
