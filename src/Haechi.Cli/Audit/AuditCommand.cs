using System.CommandLine;
using System.Globalization;
using Haechi.Data.Audit;

namespace Haechi.Cli.Audit;

/// <summary><c>haechi audit</c>: reads and verifies the hash-chained audit log in the store.</summary>
internal static class AuditCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("audit", "The hash-chained audit log: every registration, withdrawal, report, reveal, decision and export.");
        command.Subcommands.Add(Verify(console));
        command.Subcommands.Add(List(console));
        return command;
    }

    private static Command Verify(CliConsole console)
    {
        var command = new Command("verify", "Recompute the chain; exit 0 and print the head hash when intact, exit 1 naming the first entry that was edited, deleted or reordered.");
        command.SetAction(async (result, ct) =>
        {
            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var (broken, entries, head) = await new AuditLog(db, services.Time).VerifyAsync(ct).ConfigureAwait(false);
            if (broken is not null)
            {
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: audit log BROKEN at entry {broken.Sequence}: {broken.Reason}")).ConfigureAwait(false);
                return 1;
            }

            await console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"audit log intact: {entries} entries, head {(head is null ? "(empty)" : Convert.ToHexStringLower(head))}")).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command List(CliConsole console)
    {
        var command = new Command("list", "Print the log as 'sequence,time,actor,action,subject,detail,hash'.");
        command.SetAction(async (result, ct) =>
        {
            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            await foreach (var (entry, hash) in new AuditLog(db, services.Time).ReadAsync(ct).ConfigureAwait(false))
            {
                await console.Out.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{entry.Sequence},{entry.At:yyyy-MM-ddTHH:mm:ss.fffZ},{entry.Actor},{entry.Action},{entry.Subject},{entry.Detail},{Convert.ToHexStringLower(hash)}")).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }
}
