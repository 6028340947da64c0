using System.Diagnostics;

namespace Haechi.Media.Tests.Video;

/// <summary>
/// FFmpeg and the vPDQ reference data for video tests. When either is missing, tests skip on a
/// developer machine and fail when <c>CI=true</c> (test.sh installs the <c>ffmpeg</c> package).
/// </summary>
internal static class VideoTestTools
{
    private static readonly Lazy<string?> FfmpegProblem = new(FindFfmpegProblem);

    public static string VpdqData => Path.Combine(SharedTestData.Require(), "vpdq");

    public static string Video(string name) => Path.Combine(VpdqData, "videos", name + ".mp4");

    public static string Expected(string name) => Path.Combine(VpdqData, "expected", name + ".txt");

    /// <summary>The seven sample videos of ../shared/testdata/vpdq.</summary>
    public static readonly string[] SampleNames =
    [
        "chair-19-sd-bar", "chair-22-sd-grey-bar", "doorknob-hd-no-bar", "pattern-hd-no-bar",
        "pattern-sd-grey-bar", "pattern-sd-with-large-logo-bar", "test-padded-dimensions",
    ];

    public static void RequireFfmpeg()
    {
        if (FfmpegProblem.Value is not { } problem)
        {
            return;
        }

        var message = "FFmpeg is not installed (apt-get install ffmpeg): " + problem;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }

    /// <summary>Runs ffmpeg to make a test input; fails the test with its stderr when it fails.</summary>
    public static void Ffmpeg(params string[] arguments)
    {
        RequireFfmpeg();
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])["-hide_banner", "-nostdin", "-v", "error", "-y", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "ffmpeg " + string.Join(' ', arguments) + " failed: " + stderr.GetAwaiter().GetResult());
    }

    /// <summary>A fresh directory under the system temp directory, deleted by the caller.</summary>
    public static TempDirectory CreateTempDirectory() => new();

    private static string? FindFfmpegProblem()
    {
        foreach (var tool in (string[])["ffmpeg", "ffprobe"])
        {
            try
            {
                var info = new ProcessStartInfo(tool, "-version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                using var process = Process.Start(info)!;
                process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    return tool + " -version failed";
                }
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                return tool + ": " + ex.Message;
            }
        }

        return null;
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "haechi-video-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
