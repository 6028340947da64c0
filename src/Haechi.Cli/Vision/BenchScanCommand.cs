using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Haechi.Cli.Bench;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>
/// <c>haechi bench scan</c>: images per second for the whole scan (decode, PDQ, face detection,
/// face embedding, nudity) on one thread and on all cores, with the time per stage.
/// </summary>
internal static class BenchScanCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures instead of a table." };
        var rounds = new Option<int>("--rounds") { Description = "Passes over the file set per measurement.", DefaultValueFactory = _ => 2 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Threads for the parallel figure (default: cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Images or directories to measure on (photos with faces give the realistic figure); without any, a generated photo-like set without faces.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("scan", "Measure scan speed: decode, PDQ, face detection, embedding and nudity per image, images/s on 1 thread and in parallel.")
        {
            json,
            rounds,
            jobs,
            paths,
        };
        command.SetAction(result =>
        {
            var given = result.GetValue(paths) ?? [];
            var set = given.Length == 0 ? BenchImageSet.Generate() : BenchImageSet.Load(given);
            if (set.Items.Count == 0)
            {
                console.Error.WriteLine("haechi: bench scan: no readable images.");
                return 1;
            }

            VisionModels models;
            try
            {
                models = VisionModels.Load(DataDirectoryOption.Resolve(result), VisionParts.Faces | VisionParts.Nudity);
            }
            catch (ModelConversionException ex)
            {
                console.Error.WriteLine("haechi: bench scan: " + ex.Message);
                return 1;
            }

            using (models)
            {
                var figures = Measure(models, set, Math.Max(1, result.GetValue(rounds)), Math.Max(1, result.GetValue(jobs)));
                if (result.GetValue(json))
                {
                    console.Out.WriteLine(JsonSerializer.Serialize(figures, BenchJson.Options));
                }
                else
                {
                    PrintTable(console.Out, figures);
                }
            }

            return 0;
        });
        return command;
    }

    private static BenchScanFigures Measure(VisionModels models, BenchImageSet set, int rounds, int jobs)
    {
        ImageDecoder.SetDecoderThreads(1);
        var scanner = models.NewScanner();
        var faces = 0;
        foreach (var item in set.Items)
        {
            faces += scanner.Scan(item.Bytes).Faces?.Count ?? 0; // warm-up, and the face count
        }

        var times = default(ScanTimes);
        var count = 0;
        using var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var item in set.Items)
            {
                times += scanner.Scan(item.Bytes).Times;
                count++;
            }
        }

        var oneThreadMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds / count;
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / count;
        var total = set.Items.Count * rounds;
        start = Stopwatch.GetTimestamp();
        Parallel.For(
            0,
            total,
            new ParallelOptions { MaxDegreeOfParallelism = jobs },
            models.NewScanner,
            (i, _, local) =>
            {
                local.Scan(set.Items[i % set.Items.Count].Bytes);
                return local;
            },
            static _ => { });
        var parallel = total / Stopwatch.GetElapsedTime(start).TotalSeconds;
        double Ms(TimeSpan t) => t.TotalMilliseconds / count;
        return new BenchScanFigures
        {
            Files = set.Items.Count,
            Source = set.Description,
            Cores = Environment.ProcessorCount,
            Threads = jobs,
            Rounds = rounds,
            FacesPerImage = (double)faces / set.Items.Count,
            DecodeMsPerImage = Ms(times.Decode),
            PdqMsPerImage = Ms(times.Pdq),
            DetectMsPerImage = Ms(times.Detect),
            EmbedMsPerImage = Ms(times.Embed),
            EmbedMsPerFace = faces == 0 ? null : times.Embed.TotalMilliseconds / (faces * (double)rounds),
            NsfwMsPerImage = Ms(times.Nudity),
            ModelMsPerImage = Ms(times.Models),
            MsPerImage1Thread = oneThreadMs,
            CpuMsPerImage1Thread = cpuMs,
            ImagesPerSecond1Thread = 1000 / oneThreadMs,
            ImagesPerSecondParallel = parallel,
        };
    }

    private static void PrintTable(TextWriter output, BenchScanFigures f)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench scan: {f.Files} images ({f.Source}), {f.FacesPerImage:F1} faces/image, {f.Rounds} rounds, {f.Cores} cores"));
        output.WriteLine();
        output.WriteLine("  stage (1 thread)        ms/image");
        output.WriteLine(string.Create(c, $"  decode                 {f.DecodeMsPerImage,9:F2}"));
        output.WriteLine(string.Create(c, $"  PDQ                    {f.PdqMsPerImage,9:F2}"));
        output.WriteLine(string.Create(c, $"  face detection         {f.DetectMsPerImage,9:F2}"));
        output.WriteLine(string.Create(c, $"  face embedding         {f.EmbedMsPerImage,9:F2}{(f.EmbedMsPerFace is { } perFace ? string.Create(c, $"   ({perFace:F2} ms/face)") : string.Empty)}"));
        output.WriteLine(string.Create(c, $"  nudity                 {f.NsfwMsPerImage,9:F2}"));
        output.WriteLine(string.Create(c, $"  models total           {f.ModelMsPerImage,9:F2}"));
        output.WriteLine();
        output.WriteLine(string.Create(c, $"  end to end, 1 thread:  {f.MsPerImage1Thread:F2} ms/image, {f.ImagesPerSecond1Thread:F1} images/s ({f.CpuMsPerImage1Thread:F2} ms CPU/image)"));
        output.WriteLine(string.Create(c, $"  end to end, {f.Threads} threads: {f.ImagesPerSecondParallel:F1} images/s"));
    }
}

/// <summary>Figures of one <c>haechi bench scan</c> run.</summary>
internal sealed record BenchScanFigures
{
    public required int Files { get; init; }

    public required string Source { get; init; }

    public required int Cores { get; init; }

    public required int Threads { get; init; }

    public required int Rounds { get; init; }

    public required double FacesPerImage { get; init; }

    public required double DecodeMsPerImage { get; init; }

    public required double PdqMsPerImage { get; init; }

    public required double DetectMsPerImage { get; init; }

    public required double EmbedMsPerImage { get; init; }

    public double? EmbedMsPerFace { get; init; }

    public required double NsfwMsPerImage { get; init; }

    public required double ModelMsPerImage { get; init; }

    public required double MsPerImage1Thread { get; init; }

    /// <summary>Process CPU time per image on one thread: steadier than wall time on a shared machine.</summary>
    public required double CpuMsPerImage1Thread { get; init; }

    public required double ImagesPerSecond1Thread { get; init; }

    public required double ImagesPerSecondParallel { get; init; }
}
