using System.Text;

namespace Haechi.Cli;

/// <summary>Where a command writes, and whether a person is watching stderr (for progress bars).</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool errorIsTerminal)
{
    /// <summary>Standard output: results only.</summary>
    public TextWriter Out { get; } = output;

    /// <summary>Standard error: diagnostics, one line per problem.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>True when stderr is a terminal, so a progress bar may be drawn.</summary>
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    /// <summary>The process's own streams, stdout buffered (flushed by <see cref="HaechiCommand.RunAsync"/>).</summary>
    public static CliConsole FromProcess()
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8, bufferSize: 1 << 16) { AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };
        return new CliConsole(stdout, stderr, !Console.IsErrorRedirected);
    }
}
