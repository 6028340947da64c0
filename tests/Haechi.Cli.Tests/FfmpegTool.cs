using System.Diagnostics;

namespace Haechi.Cli.Tests;

/// <summary>
/// Runs Debian's ffmpeg to make a test video. Without ffmpeg the test skips on a developer machine
/// and fails when <c>CI=true</c> (test.sh installs it). Also compiled into the server tests.
/// </summary>
internal static class FfmpegTool
{
    /// <summary>Runs ffmpeg with <paramref name="arguments"/>; fails the test with its stderr when it fails.</summary>
    public static void Run(params string[] arguments)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            var message = "FFmpeg is not installed (apt-get install ffmpeg): " + ex.Message;
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
            return;
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "ffmpeg failed: " + stderr.GetAwaiter().GetResult());
        }
    }
}
