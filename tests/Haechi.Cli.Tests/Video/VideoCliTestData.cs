using System.Diagnostics;

namespace Haechi.Cli.Tests.Video;

/// <summary>
/// The vPDQ sample videos (../shared/testdata/vpdq) and FFmpeg for CLI tests: missing either
/// skips locally and fails when <c>CI=true</c>.
/// </summary>
internal static class VideoCliTestData
{
    private static readonly Lazy<string?> Root = new(Find);
    private static readonly Lazy<bool> HasFfmpeg = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("ffprobe", "-version") { RedirectStandardOutput = true, UseShellExecute = false })!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public static string Video(string name) => Path.Combine(Require(), "videos", name + ".mp4");

    public static string Expected(string name) => Path.Combine(Require(), "expected", name + ".txt");

    private static string Require()
    {
        string? problem = null;
        if (!HasFfmpeg.Value)
        {
            problem = "FFmpeg is not installed (apt-get install ffmpeg).";
        }
        else if (Root.Value is null)
        {
            problem = "The reference data ../shared/testdata/vpdq was not found beside the checkout (set HAECHI_SHARED_TESTDATA).";
        }

        if (problem is null)
        {
            return Root.Value!;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(problem);
        }

        Assert.Skip(problem);
        return string.Empty;
    }

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("HAECHI_SHARED_TESTDATA");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(Path.Combine(configured, "vpdq")))
        {
            return Path.Combine(configured, "vpdq");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata", "vpdq");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
