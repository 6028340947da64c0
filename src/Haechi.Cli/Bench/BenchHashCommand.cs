using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Haechi.Media.Images;

namespace Haechi.Cli.Bench;

/// <summary>
/// <c>haechi bench hash</c>: images per second for PDQ on real files, with the time split into
/// decoding and hashing, next to two baselines run in the same process: decoding alone, and
/// hashing without shrink-on-load.
/// </summary>
internal static class BenchHashCommand
{
    private const long TwelveMegapixels = 11_000_000;

    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures instead of a table." };
        var rounds = new Option<int>("--rounds") { Description = "Passes over the file set per measurement.", DefaultValueFactory = _ => 3 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Threads for the parallel figure (default: cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Images or directories to measure on; without any, a generated set (photo-like JPEGs and PNGs, including 12-megapixel JPEGs) is used.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("hash", "Measure PDQ hashing speed: images/s per core and in parallel, decode vs. hash time, against decode-only and full-resolution baselines.")
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
                console.Error.WriteLine("haechi: bench hash: no readable images.");
                return 1;
            }

            var figures = Measure(set, Math.Max(1, result.GetValue(rounds)), Math.Max(1, result.GetValue(jobs)));
            if (result.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(figures, BenchJson.Options));
            }
            else
            {
                PrintTable(console.Out, figures);
            }

            return 0;
        });
        return command;
    }

    private static BenchHashFigures Measure(BenchImageSet set, int rounds, int jobs)
    {
        var shrinkOptions = ImageDecodeOptions.Default;
        var fullOptions = ImageDecodeOptions.Default with { MinWorkingSide = 0 };
        ImageDecoder.SetDecoderThreads(1);

        // Warm up the JIT and libvips once on every file.
        Run(set.Items, new ImageFingerprinter(shrinkOptions), 1, decodeOnly: false);

        var all = set.Items;
        var large = all.Where(i => i.Pixels >= TwelveMegapixels).ToList();
        var hashed = Run(all, new ImageFingerprinter(shrinkOptions), rounds, decodeOnly: false);
        var decodeOnly = Run(all, new ImageFingerprinter(shrinkOptions), rounds, decodeOnly: true);
        var fullResolution = Run(all, new ImageFingerprinter(fullOptions), rounds, decodeOnly: false);
        var largeHashed = large.Count > 0 ? Run(large, new ImageFingerprinter(shrinkOptions), rounds, decodeOnly: false) : null;
        var largeFull = large.Count > 0 ? Run(large, new ImageFingerprinter(fullOptions), 1, decodeOnly: false) : null;
        var parallel = RunParallel(all, shrinkOptions, rounds, jobs);

        return new BenchHashFigures
        {
            Files = all.Count,
            Source = set.Description,
            LargeFiles = large.Count,
            Cores = Environment.ProcessorCount,
            Threads = jobs,
            Rounds = rounds,
            MsPerImage1Thread = hashed.MsPerImage,
            ImagesPerSecond1Thread = hashed.ImagesPerSecond,
            DecodeMsPerImage = hashed.DecodeMs,
            HashMsPerImage = hashed.HashMs,
            DecodeOnlyMsPerImage = decodeOnly.MsPerImage,
            TotalOverDecodeOnly = hashed.MsPerImage / decodeOnly.MsPerImage,
            FullResolutionMsPerImage = fullResolution.MsPerImage,
            FullResolutionDecodeMsPerImage = fullResolution.DecodeMs,
            FullResolutionHashMsPerImage = fullResolution.HashMs,
            ShrinkOnLoadSpeedup = fullResolution.MsPerImage / hashed.MsPerImage,
            ImagesPerSecondParallel = parallel,
            ImagesPerSecondPerCoreParallel = parallel / Math.Min(jobs, Environment.ProcessorCount),
            LargeMsPerImage1Thread = largeHashed?.MsPerImage,
            LargeImagesPerSecond1Thread = largeHashed?.ImagesPerSecond,
            LargeDecodeMsPerImage = largeHashed?.DecodeMs,
            LargeHashMsPerImage = largeHashed?.HashMs,
            LargeFullResolutionMsPerImage = largeFull?.MsPerImage,
        };
    }

    private sealed record RunFigures(double MsPerImage, double DecodeMs, double HashMs)
    {
        public double ImagesPerSecond => 1000 / MsPerImage;
    }

    private static RunFigures Run(IReadOnlyList<BenchImage> items, ImageFingerprinter fingerprinter, int rounds, bool decodeOnly)
    {
        double decode = 0, hash = 0;
        var count = 0;
        var start = Stopwatch.GetTimestamp();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var item in items)
            {
                if (decodeOnly)
                {
                    var t = Stopwatch.GetTimestamp();
                    ImageDecoder.Decode(item.Bytes, fingerprinter.Options);
                    decode += Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                }
                else
                {
                    var fp = fingerprinter.Fingerprint(item.Bytes);
                    decode += fp.DecodeTime.TotalMilliseconds;
                    hash += fp.HashTime.TotalMilliseconds;
                }

                count++;
            }
        }

        var total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return new RunFigures(total / count, decode / count, hash / count);
    }

    private static double RunParallel(IReadOnlyList<BenchImage> items, ImageDecodeOptions options, int rounds, int jobs)
    {
        var total = items.Count * rounds;
        var start = Stopwatch.GetTimestamp();
        Parallel.For(
            0,
            total,
            new ParallelOptions { MaxDegreeOfParallelism = jobs },
            () => new ImageFingerprinter(options),
            (i, _, fingerprinter) =>
            {
                fingerprinter.Fingerprint(items[i % items.Count].Bytes);
                return fingerprinter;
            },
            static _ => { });
        return total / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static void PrintTable(TextWriter output, BenchHashFigures f)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench hash: {f.Files} images ({f.Source}), {f.Rounds} rounds, {f.Cores} cores, files held in memory"));
        output.WriteLine();
        output.WriteLine("  run                                   ms/image  images/s  decode ms  hash ms");
        output.WriteLine(string.Create(c, $"  PDQ, shrink-on-load, 1 thread        {f.MsPerImage1Thread,9:F2} {f.ImagesPerSecond1Thread,9:F1} {f.DecodeMsPerImage,10:F2} {f.HashMsPerImage,8:F2}"));
        output.WriteLine(string.Create(c, $"  baseline: decode only, 1 thread      {f.DecodeOnlyMsPerImage,9:F2} {1000 / f.DecodeOnlyMsPerImage,9:F1} {f.DecodeOnlyMsPerImage,10:F2} {0,8:F2}"));
        output.WriteLine(string.Create(c, $"  baseline: PDQ full resolution, 1 thr {f.FullResolutionMsPerImage,9:F2} {1000 / f.FullResolutionMsPerImage,9:F1} {f.FullResolutionDecodeMsPerImage,10:F2} {f.FullResolutionHashMsPerImage,8:F2}"));
        output.WriteLine(string.Create(c, $"  PDQ, shrink-on-load, {f.Threads} threads       {1000 / f.ImagesPerSecondParallel,9:F2} {f.ImagesPerSecondParallel,9:F1}"));
        if (f.LargeMsPerImage1Thread is { } largeMs)
        {
            output.WriteLine(string.Create(c, $"  12 MP JPEGs only ({f.LargeFiles}), 1 thread      {largeMs,9:F2} {f.LargeImagesPerSecond1Thread,9:F1} {f.LargeDecodeMsPerImage,10:F2} {f.LargeHashMsPerImage,8:F2}"));
            output.WriteLine(string.Create(c, $"  12 MP JPEGs, full resolution, 1 thr  {f.LargeFullResolutionMsPerImage,9:F2}"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(c, $"  images/s per core: {f.ImagesPerSecond1Thread:F1} (1 thread), {f.ImagesPerSecondPerCoreParallel:F1} ({f.Threads} threads)"));
        output.WriteLine(string.Create(c, $"  total / decode-only time: {f.TotalOverDecodeOnly:F2}x   shrink-on-load speed-up: {f.ShrinkOnLoadSpeedup:F2}x"));
    }
}

/// <summary>Figures of one <c>haechi bench hash</c> run, named for comparison across runs.</summary>
internal sealed record BenchHashFigures
{
    public required int Files { get; init; }

    public required string Source { get; init; }

    public required int LargeFiles { get; init; }

    public required int Cores { get; init; }

    public required int Threads { get; init; }

    public required int Rounds { get; init; }

    [JsonPropertyName("ms_per_image_1_thread")]
    public required double MsPerImage1Thread { get; init; }

    [JsonPropertyName("images_per_second_1_thread")]
    public required double ImagesPerSecond1Thread { get; init; }

    public required double DecodeMsPerImage { get; init; }

    public required double HashMsPerImage { get; init; }

    public required double DecodeOnlyMsPerImage { get; init; }

    public required double TotalOverDecodeOnly { get; init; }

    public required double FullResolutionMsPerImage { get; init; }

    public required double FullResolutionDecodeMsPerImage { get; init; }

    public required double FullResolutionHashMsPerImage { get; init; }

    public required double ShrinkOnLoadSpeedup { get; init; }

    public required double ImagesPerSecondParallel { get; init; }

    public required double ImagesPerSecondPerCoreParallel { get; init; }

    [JsonPropertyName("large_ms_per_image_1_thread")]
    public double? LargeMsPerImage1Thread { get; init; }

    [JsonPropertyName("large_images_per_second_1_thread")]
    public double? LargeImagesPerSecond1Thread { get; init; }

    public double? LargeDecodeMsPerImage { get; init; }

    public double? LargeHashMsPerImage { get; init; }

    public double? LargeFullResolutionMsPerImage { get; init; }
}

/// <summary>JSON settings shared by every bench command: snake_case names.</summary>
internal static class BenchJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
