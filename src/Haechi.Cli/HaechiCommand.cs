using System.CommandLine;
using Haechi.Cli.Audit;
using Haechi.Cli.Banks;
using Haechi.Cli.Bench;
using Haechi.Cli.Forensics;
using Haechi.Cli.Hashing;
using Haechi.Cli.Ingesting;
using Haechi.Cli.Matching;
using Haechi.Cli.Video;
using Haechi.Cli.Vision;
using Haechi.Cli.Watching;

namespace Haechi.Cli;

/// <summary>The <c>haechi</c> command and its subcommands.</summary>
internal static class HaechiCommand
{
    /// <summary>Builds the command tree.</summary>
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand(
            "Haechi (해치): fingerprints and matching against deepfake sexual-abuse imagery.\n" +
            "Images are fingerprinted with PDQ, the perceptual hash that hotlines and platforms exchange.");
        root.Options.Add(DataDirectoryOption.Option);
        root.Subcommands.Add(HashCommand.Create(console));
        root.Subcommands.Add(BankCommand.Create(console));
        root.Subcommands.Add(MatchCommand.Create(console));
        root.Subcommands.Add(WatchCommand.Create(console));
        root.Subcommands.Add(IngestCommand.Create(console));
        root.Subcommands.Add(AuditCommand.Create(console));
        root.Subcommands.Add(SampleCommand.Create(console));
        root.Subcommands.Add(MatchVideoCommand.Create(console));
        root.Subcommands.Add(BenchCommand.Create(console));
        root.Subcommands.Add(ModelsCommand.Create(console));
        root.Subcommands.Add(ScanCommand.Create(console));
        root.Subcommands.Add(FacesCommand.Create(console));
        root.Subcommands.Add(AnalyzeCommand.Create(console));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        try
        {
            var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error };
            return await Build(console).Parse(args).InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            await console.Error.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
