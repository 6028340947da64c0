using System.Diagnostics;
using System.Globalization;

namespace Haechi.Cli.Hashing;

/// <summary>A one-line progress bar on stderr, drawn only for a person at a terminal and only for long runs.</summary>
internal sealed class ProgressBar
{
    private const int MinimumItems = 20;
    private const int Width = 30;
    private readonly TextWriter? _error;
    private readonly int _total;
    private long _lastDraw;

    public ProgressBar(CliConsole console, int total)
    {
        _total = total;
        _error = console.ErrorIsTerminal && total >= MinimumItems ? console.Error : null;
    }

    /// <summary>Redraws at most ten times a second; call under the caller's lock.</summary>
    public void Report(int done)
    {
        if (_error is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (done < _total && Stopwatch.GetElapsedTime(_lastDraw, now) < TimeSpan.FromMilliseconds(100))
        {
            return;
        }

        _lastDraw = now;
        var filled = (int)((long)Width * done / _total);
        _error.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {done}/{_total}"));
    }

    /// <summary>Clears the bar (before another line is written to stderr, and at the end).</summary>
    public void Clear()
    {
        _error?.Write("\r" + new string(' ', Width + 30) + "\r");
        _lastDraw = 0;
    }
}
