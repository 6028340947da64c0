using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Haechi.Cli.Bench;
using Haechi.Media.Video;

namespace Haechi.Cli.Video;

/// <summary>
/// <c>haechi bench video</c>: vPDQ speed as a multiple of real time on synthetic 720p and 1080p
/// H.264 videos (made with ffmpeg's testsrc2; about 2.7 Mbit/s at 720p, a typical web bitrate), every
/// frame and at 1 frame per second, with the decode/hash split, beside a decode-only baseline
/// measured in the same process.
/// </summary>
internal static class BenchVideoCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures instead of a table." };
        var seconds = new Option<int>("--seconds") { Description = "Length of each generated video.", DefaultValueFactory = _ => 10 };
        var threads = new Option<int>("--decoder-threads") { Description = "FFmpeg decoder threads (0: FFmpeg's choice).", DefaultValueFactory = _ => 0 };
        var sizes = new Option<string[]>("--size")
        {
            Description = "Frame sizes to generate (WxH); default 1280x720 and 1920x1080.",
            DefaultValueFactory = _ => ["1280x720", "1920x1080"],
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("video", "Measure vPDQ video hashing: x real time for 720p and 1080p, every frame and 1 frame/s, decode vs hash time, against decode-only.")
        {
            json,
            seconds,
            threads,
            sizes,
        };
        command.SetAction(result =>
        {
            var directory = Path.Combine(Path.GetTempPath(), "haechi-bench-video-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            try
            {
                var figures = new List<BenchVideoFigures>();
                foreach (var size in result.GetValue(sizes) ?? [])
                {
                    if (!TryParseSize(size, out var width, out var height))
                    {
                        console.Error.WriteLine("haechi: bench video: --size takes WxH, e.g. 1280x720.");
                        return 1;
                    }

                    var path = Path.Combine(directory, $"{width}x{height}.mp4");
                    var duration = Math.Max(1, result.GetValue(seconds));
                    Generate(path, width, height, duration);
                    figures.Add(Measure(path, width, height, duration, Math.Max(0, result.GetValue(threads))));
                }

                var report = new BenchVideoReport { Cores = Environment.ProcessorCount, Source = "ffmpeg testsrc2, H.264 (libx264 veryfast, crf 23), 30 fps", Videos = figures };
                if (result.GetValue(json))
                {
                    console.Out.WriteLine(JsonSerializer.Serialize(report, BenchJson.Options));
                }
                else
                {
                    PrintTable(console.Out, report);
                }

                return 0;
            }
            catch (VideoDecodeException ex)
            {
                console.Error.WriteLine("haechi: bench video: " + ex.Message);
                return 1;
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        });
        return command;
    }

    private static bool TryParseSize(string text, out int width, out int height)
    {
        width = height = 0;
        var x = text.IndexOf('x', StringComparison.OrdinalIgnoreCase);
        return x > 0 &&
            int.TryParse(text.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture, out width) &&
            int.TryParse(text.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out height) &&
            width is >= 16 and <= 7680 && height is >= 16 and <= 4320;
    }

    private static void Generate(string path, int width, int height, int seconds)
    {
        var c = CultureInfo.InvariantCulture;
        var info = new ProcessStartInfo("ffmpeg") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in (string[])
        [
            "-hide_banner", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", string.Create(c, $"testsrc2=s={width}x{height}:r=30:d={seconds}"),
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", path,
        ])
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new VideoDecodeException(VideoDecodeError.ToolMissing, "ffmpeg could not generate the test video: " + error.Trim());
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new VideoDecodeException(VideoDecodeError.ToolMissing, "ffmpeg could not be started (apt-get install ffmpeg): " + ex.Message, ex);
        }
    }

    private static BenchVideoFigures Measure(string path, int width, int height, int seconds, int threads)
    {
        var every = VideoDecodeOptions.Default with { DecoderThreads = threads };
        var sampled = every with { FramesPerSecond = 1 };

        // Warm up the JIT, the page cache and FFmpeg's libraries once.
        new VideoFingerprinter(sampled).Fingerprint(path);

        var decodeAll = DecodeOnly(path, every);
        var hashAll = new VideoFingerprinter(every).Fingerprint(path);
        var decodeSampled = DecodeOnly(path, sampled);
        var hashSampled = new VideoFingerprinter(sampled).Fingerprint(path);
        return new BenchVideoFigures
        {
            Width = width,
            Height = height,
            Seconds = seconds,
            Frames = hashAll.Frames.Count,
            DecodeOnlyXRealTime = seconds / decodeAll.TotalSeconds,
            VpdqXRealTime = seconds / hashAll.Elapsed.TotalSeconds,
            VpdqDecodeWaitMsPerFrame = hashAll.DecodeTime.TotalMilliseconds / hashAll.Frames.Count,
            VpdqHashMsPerFrame = hashAll.HashTime.TotalMilliseconds / hashAll.Frames.Count,
            SampledFrames = hashSampled.Frames.Count,
            Sampled1FpsDecodeOnlyXRealTime = seconds / decodeSampled.TotalSeconds,
            Sampled1FpsVpdqXRealTime = seconds / hashSampled.Elapsed.TotalSeconds,
            Sampled1FpsDecodeWaitMs = hashSampled.DecodeTime.TotalMilliseconds,
            Sampled1FpsHashMs = hashSampled.HashTime.TotalMilliseconds,
        };
    }

    private static TimeSpan DecodeOnly(string path, VideoDecodeOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        using (var reader = VideoDecoder.Open(path, options))
        {
            while (reader.TryRead(out _))
            {
            }
        }

        return Stopwatch.GetElapsedTime(start);
    }

    private static void PrintTable(TextWriter output, BenchVideoReport report)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench video: {report.Cores} cores; {report.Source}"));
        output.WriteLine("  x real time = video seconds / wall seconds (higher is faster)");
        output.WriteLine();
        output.WriteLine("  video       frames  run                              x real time  decode-wait ms/frame  hash ms/frame");
        foreach (var f in report.Videos)
        {
            var name = string.Create(c, $"{f.Width}x{f.Height}");
            output.WriteLine(string.Create(c, $"  {name,-10} {f.Frames,7}  baseline: decode only, all frames {f.DecodeOnlyXRealTime,11:F1}"));
            output.WriteLine(string.Create(c, $"  {name,-10} {f.Frames,7}  vPDQ, every frame                 {f.VpdqXRealTime,11:F1} {f.VpdqDecodeWaitMsPerFrame,21:F2} {f.VpdqHashMsPerFrame,14:F2}"));
            output.WriteLine(string.Create(c, $"  {name,-10} {f.SampledFrames,7}  baseline: decode only, 1 frame/s  {f.Sampled1FpsDecodeOnlyXRealTime,11:F1}"));
            output.WriteLine(string.Create(c, $"  {name,-10} {f.SampledFrames,7}  vPDQ, 1 frame/s                   {f.Sampled1FpsVpdqXRealTime,11:F1} {f.Sampled1FpsDecodeWaitMs / f.SampledFrames,21:F2} {f.Sampled1FpsHashMs / f.SampledFrames,14:F2}"));
        }
    }
}

/// <summary>Figures of one <c>haechi bench video</c> run.</summary>
internal sealed record BenchVideoReport
{
    public required int Cores { get; init; }

    public required string Source { get; init; }

    public required IReadOnlyList<BenchVideoFigures> Videos { get; init; }
}

/// <summary>Figures for one generated video.</summary>
internal sealed record BenchVideoFigures
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public required int Seconds { get; init; }

    public required int Frames { get; init; }

    public required double DecodeOnlyXRealTime { get; init; }

    public required double VpdqXRealTime { get; init; }

    public required double VpdqDecodeWaitMsPerFrame { get; init; }

    public required double VpdqHashMsPerFrame { get; init; }

    public required int SampledFrames { get; init; }

    public required double Sampled1FpsDecodeOnlyXRealTime { get; init; }

    public required double Sampled1FpsVpdqXRealTime { get; init; }

    public required double Sampled1FpsDecodeWaitMs { get; init; }

    public required double Sampled1FpsHashMs { get; init; }
}
