using System.CommandLine;
using Haechi.Cli.Video;

namespace Haechi.Cli.Bench;

/// <summary><c>haechi bench</c>: performance figures printed beside a baseline measured in the same process.</summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("bench", "Measure performance; every bench prints a table, or one JSON object with --json, beside a baseline measured in the same run. Figures measured on the 2-core development machine: README.md, Benchmarks.");
        command.Subcommands.Add(BenchHashCommand.Create(console));
        command.Subcommands.Add(BenchMatchCommand.Create(console));
        command.Subcommands.Add(BenchVideoCommand.Create(console));
        command.Subcommands.Add(Vision.BenchScanCommand.Create(console));
        command.Subcommands.Add(Vision.BenchFacesCommand.Create(console));
        command.Subcommands.Add(Robust.BenchRobustnessCommand.Create(console));
        command.Subcommands.Add(BenchIngestCommand.Create(console));
        command.Subcommands.Add(BenchMemoryCommand.Create(console));
        return command;
    }
}
