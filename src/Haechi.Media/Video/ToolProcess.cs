using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Haechi.Media.Video;

/// <summary>
/// One run of ffmpeg or ffprobe: arguments passed as a list (never through a shell), stdin
/// closed, stdout read by the caller, stderr collected up to a cap, and the process killed when
/// the token fires or the run is disposed, so a hostile file can never keep it alive.
/// </summary>
internal sealed class ToolProcess : IDisposable
{
    private const int MaxErrorChars = 16 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _error = new();
    private readonly Lock _errorGate = new();
    private CancellationTokenRegistration _registration;
    private bool _disposed;

    private ToolProcess(Process process) => _process = process;

    /// <summary>Standard output, for the caller to read.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>What the tool has written to stderr so far (the first 16 KiB).</summary>
    public string Error
    {
        get
        {
            lock (_errorGate)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; it is killed when <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="VideoDecodeException">The tool is not installed or cannot be started.</exception>
    public static ToolProcess Start(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var run = new ToolProcess(process);
        process.ErrorDataReceived += run.OnErrorData;
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new VideoDecodeException(
                VideoDecodeError.ToolMissing,
                $"{Path.GetFileName(fileName)} could not be started ({ex.Message}); install FFmpeg (Debian: apt-get install ffmpeg).",
                ex);
        }

        process.StandardInput.Close();
        process.BeginErrorReadLine();
        run._registration = cancellationToken.Register(static state => ((ToolProcess)state!).Kill(), run);
        return run;
    }

    /// <summary>Waits for the tool to exit (after its output was read to the end) and returns its exit code.</summary>
    public int WaitForExit()
    {
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills the tool (and anything it started) if it is still running.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _registration.Dispose();
        Kill();
        _process.Dispose();
    }

    private void OnErrorData(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is null)
        {
            return;
        }

        lock (_errorGate)
        {
            if (_error.Length < MaxErrorChars)
            {
                _error.Append(e.Data, 0, Math.Min(e.Data.Length, MaxErrorChars - _error.Length)).Append('\n');
            }
        }
    }
}
