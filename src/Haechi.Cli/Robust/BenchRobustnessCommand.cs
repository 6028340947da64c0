using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Haechi.Cli.Bench;
using Haechi.Core.Hashing;
using Haechi.Core.Robust;
using Haechi.Core.Robust.Local;
using Haechi.Media.Images;
using Haechi.Media.Robust;

namespace Haechi.Cli.Robust;

/// <summary>
/// <c>haechi bench robustness [--json] [DIR]</c>: registers originals, queries edited copies of
/// them and of unrelated images, and prints recall per edit class and per signal, false matches,
/// time per query and bytes per registered image.
/// </summary>
internal static class BenchRobustnessCommand
{
    private static readonly (string Name, RobustFamilies Families, bool Local)[] Configurations =
    [
        ("pdq", RobustFamilies.None, false),
        ("pdq+dihedral", RobustFamilies.Dihedral, false),
        ("+canonical", RobustFamilies.Dihedral | RobustFamilies.Canonical, false),
        ("+crops", RobustFamilies.Dihedral | RobustFamilies.Canonical | RobustFamilies.Crops, false),
        ("+partial", RobustFamilies.Dihedral | RobustFamilies.Canonical | RobustFamilies.Crops | RobustFamilies.Partial, false),
        ("pdq+local", RobustFamilies.None, true),
        ("all", RobustFamilies.All, true),
    ];

    public static Command Create(CliConsole console)
    {
        var directory = new Argument<string[]>("PATH") { Description = "Benign images or directories of them, in order: the first half are registered, the rest are unrelated distractors. Without them, photo-like images are drawn.", Arity = ArgumentArity.ZeroOrMore };
        var count = new Option<int>("--count") { Description = "Images to draw when no DIR is given (half registered, half distractors).", DefaultValueFactory = _ => 32 };
        var pad = new Option<int>("--bank-size") { Description = "Registered images to time the search against (the real ones plus random-code fillers).", DefaultValueFactory = _ => 10_000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var querySide = new Option<int>("--query-side") { Description = "Long side of a query's local-feature working image (the matcher's setting by default; for tuning).", DefaultValueFactory = _ => LocalFeatureExtractor.QueryWorkingSide };
        var queryKeypoints = new Option<int>("--query-keypoints") { Description = "Local features computed per query (the matcher's setting by default; for tuning).", DefaultValueFactory = _ => LocalFeatureExtractor.MaxQueryFeatures };
        var command = new Command("robustness", "Recall of edited copies (crops, borders, screenshots, captions, stickers, mirrors...) per edit class and per signal, and false matches on unrelated images.")
        {
            directory, count, pad, json, queryKeypoints, querySide,
        };
        command.SetAction(result =>
        {
            var images = LoadImages(result.GetValue(directory), result.GetValue(count));
            if (images.Count < 2)
            {
                console.Error.WriteLine("haechi: bench robustness: need at least two decodable images.");
                return 2;
            }

            var figures = Measure(console, images, Math.Max(0, result.GetValue(pad)), Math.Max(1, result.GetValue(queryKeypoints)), result.GetValue(querySide));
            if (result.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(figures, BenchJson.Options));
            }
            else
            {
                Print(console.Out, figures);
            }

            return 0;
        });
        return command;
    }

    private static List<(byte[] Rgb, int Width, int Height)> LoadImages(string[]? paths, int count)
    {
        var images = new List<(byte[], int, int)>();
        if (paths is null || paths.Length == 0)
        {
            for (var i = 0; i < Math.Max(2, count); i++)
            {
                // Mixed sizes and aspect ratios, fixed seeds; 900×700 makes a screenshot canvas that the
                // decoder shrinks 4× on load (the others 2×), where the CLI once missed a screenshot.
                var (w, h) = (i % 4) switch { 0 => (640, 480), 1 => (480, 640), 2 => (800, 450), _ => (900, 700) };
                images.Add((SyntheticImages.DrawRgb(w, h, 9000 + i), w, h));
            }

            return images;
        }

        foreach (var item in BenchImageSet.Load(paths).Items)
        {
            images.Add(ImageEdits.DecodeRgb(item.Bytes));
        }

        return images;
    }

    private static RobustnessFigures Measure(CliConsole console, List<(byte[] Rgb, int Width, int Height)> images, int bankSize, int queryKeypoints, int querySide)
    {
        var registeredCount = (images.Count + 1) / 2;
        ImageDecoder.SetDecoderThreads(1); // one core: the decoder's work is counted, not spread
        var fingerprinter = new RobustFingerprinter();
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"registering {registeredCount} originals, querying {ImageEdits.All.Count} edits of each and of {images.Count - registeredCount} unrelated images..."));

        // Originals as a re-post would be: JPEG q90. One decode per file for every signal.
        var registeredViews = new List<RobustView>[registeredCount];
        var registeredLocal = new LocalFeatures[registeredCount];
        for (var i = 0; i < registeredCount; i++)
        {
            var (rgb, w, h) = images[i];
            var bytes = SyntheticImages.EncodeJpeg(rgb, w, h, 90);
            var (views, local) = fingerprinter.RegisterAll(bytes, RobustFamilies.All);
            registeredViews[i] = views;
            registeredLocal[i] = local!;
        }

        // Queries: every edit of every image; originals are true pairs, the rest distractors.
        var stages = new QueryStages(queryKeypoints, querySide);
        var queries = new List<(int Image, ImageEdit? Edit, List<RobustView> Views)>();
        var queryLocal = new List<LocalFeatures>();
        var decodeMicros = new List<double>();
        var queryMicros = new List<double>();
        var localMicros = new List<double>();
        var totalMicros = new List<double>();
        for (var i = 0; i < images.Count; i++)
        {
            var (rgb, w, h) = images[i];
            if (i >= registeredCount)
            {
                var plain = stages.Query(SyntheticImages.EncodeJpeg(rgb, w, h, 90));
                queries.Add((i, null, plain.Views));
                queryLocal.Add(plain.Local!);
            }

            foreach (var edit in ImageEdits.All)
            {
                var query = stages.Query(ImageEdits.Apply(rgb, w, h, edit, seed: i));
                queries.Add((i, edit, query.Views));
                queryLocal.Add(query.Local!);
                decodeMicros.Add(query.DecodeTime.TotalMicroseconds);
                queryMicros.Add((query.DecodeTime + query.ViewsTime).TotalMicroseconds);
                localMicros.Add(query.LocalTime.TotalMicroseconds);
                totalMicros.Add((query.DecodeTime + query.ViewsTime + query.LocalTime).TotalMicroseconds);
            }
        }

        // Local-feature matches of every query, against the registered originals only.
        var localIndex = new LocalFeatureIndex();
        for (var i = 0; i < registeredCount; i++)
        {
            localIndex.Add(i, registeredLocal[i]);
        }

        var localMatches = new List<LocalMatch>[queries.Count];
        for (var q = 0; q < queries.Count; q++)
        {
            localIndex.Search(queryLocal[q], localMatches[q] = []);
        }

        var localBytes = 0.0;
        foreach (var features in registeredLocal)
        {
            localBytes += features.ByteCount;
        }

        localBytes /= registeredCount;
        var configurations = new List<ConfigurationFigures>();
        foreach (var (name, families, local) in Configurations)
        {
            configurations.Add(Evaluate(name, families, registeredViews, queries, local ? localMatches : null, localBytes, registeredCount));
        }

        var timing = TimeSearch(registeredViews, queries, bankSize);
        var localGrowth = TimeLocalSearch(registeredLocal, queryLocal, bankSize);
        var localTimingSmall = localGrowth.Find(g => g.BankSize >= Math.Min(1000, bankSize))?.Microseconds ?? localGrowth[0].Microseconds;
        var localTiming = localGrowth[^1].Microseconds;
        queryMicros.Sort();
        localMicros.Sort();
        decodeMicros.Sort();
        totalMicros.Sort();
        return new RobustnessFigures
        {
            RegisteredImages = registeredCount,
            DistractorImages = images.Count - registeredCount,
            EditClasses = [.. ImageEdits.All.Select(e => e.Name())],
            Configurations = configurations,
            QueryViewsMicrosecondsP50 = queryMicros[queryMicros.Count / 2],
            SearchBankSize = timing.BankSize,
            SearchMicrosecondsPerQuery = timing.Micros,
            SearchMicrosecondsPerQuerySmallBank = timing.SmallMicros,
            LocalFeaturesMicrosecondsP50 = localMicros[localMicros.Count / 2],
            LocalSearchMicrosecondsPerQuery = localTiming,
            LocalSearchMicrosecondsPerQuerySmallBank = localTimingSmall,
            LocalSearchSmallBankSize = Math.Max(Math.Min(1000, bankSize), registeredCount),
            DecodeMicrosecondsP50 = decodeMicros[decodeMicros.Count / 2],
            FingerprintMicrosecondsP50 = totalMicros[totalMicros.Count / 2],
            LocalSearchGrowth = localGrowth,
            QueryMicrosecondsAtBankSize = totalMicros[totalMicros.Count / 2] + timing.Micros + localTiming,
        };
    }

    private static ConfigurationFigures Evaluate(string name, RobustFamilies families, List<RobustView>[] registered, List<(int Image, ImageEdit? Edit, List<RobustView> Views)> queries, List<LocalMatch>[]? local, double localBytes, int registeredCount)
    {
        var index = new RobustIndex();
        long views = 0;
        for (var i = 0; i < registered.Length; i++)
        {
            var kept = Filter(registered[i], families, registration: true);
            views += kept.Count;
            index.Add(i, kept.ToArray());
        }

        var perEdit = new Dictionary<string, EditFigures>();
        var perSignal = new Dictionary<string, int>();
        var falseMatches = 0;
        var distractorQueries = 0;
        var results = new List<RobustMatch>();
        var found = 0;
        var total = 0;
        var falseIds = new HashSet<long>();
        for (var q = 0; q < queries.Count; q++)
        {
            var (image, edit, queryViews) = queries[q];
            results.Clear();
            index.Search(Filter(queryViews, families, registration: false).ToArray(), results);
            falseIds.Clear();
            foreach (var r in results)
            {
                if (r.ImageId != image)
                {
                    falseIds.Add(r.ImageId);
                }
            }

            var localHit = false;
            if (local is not null)
            {
                foreach (var m in local[q])
                {
                    if (m.ImageId != image)
                    {
                        falseIds.Add(m.ImageId);
                    }
                    else
                    {
                        localHit = true;
                    }
                }
            }

            falseMatches += falseIds.Count;
            if (image >= registeredCount)
            {
                distractorQueries++;
                continue;
            }

            var key = edit!.Value.Name();
            if (!perEdit.TryGetValue(key, out var figures))
            {
                perEdit[key] = figures = new EditFigures();
            }

            figures.Queries++;
            total++;
            var hit = results.FindIndex(r => r.ImageId == image);
            if (hit >= 0 || localHit)
            {
                figures.Found++;
                found++;
                var signal = hit >= 0 ? results[hit].Signal.Name() : "local";
                perSignal[signal] = perSignal.GetValueOrDefault(signal) + 1;
            }
        }

        var worst = perEdit.Values.Min(e => e.Recall);
        return new ConfigurationFigures
        {
            Name = name,
            Recall = (double)found / total,
            WorstClassRecall = worst,
            RecallPerEdit = perEdit.ToDictionary(p => p.Key, p => p.Value.Recall),
            FirstMatchingSignal = perSignal,
            FalseMatches = falseMatches,
            DistractorQueries = distractorQueries,
            BytesPerRegisteredImage = (views * 33.0 / registered.Length) + (local is null ? 0 : localBytes),
        };
    }

    private static List<RobustView> Filter(List<RobustView> views, RobustFamilies families, bool registration)
    {
        var kept = new List<RobustView>(views.Count);
        foreach (var view in views)
        {
            var family = view.Kind switch
            {
                ViewKind.Whole => RobustFamilies.None,
                < ViewKind.Trimmed => RobustFamilies.Dihedral,
                ViewKind.Trimmed or ViewKind.Photo => RobustFamilies.Canonical,
                _ when view.Kind.IsStrip() => RobustFamilies.Partial,
                _ => RobustFamilies.Crops,
            };
            if (family == RobustFamilies.None || (families & family) != 0)
            {
                kept.Add(view);
            }
        }

        return kept;
    }

    /// <summary>Search time per query with every view, against the real registrations plus random fillers up to <paramref name="bankSize"/> images.</summary>
    private static (int BankSize, double Micros, double SmallMicros) TimeSearch(List<RobustView>[] registered, List<(int Image, ImageEdit? Edit, List<RobustView> Views)> queries, int bankSize)
    {
        var index = new RobustIndex();
        for (var i = 0; i < registered.Length; i++)
        {
            index.Add(i, registered[i].ToArray());
        }

        var small = TimeQueries(index, queries);
        var random = new Random(0x5EED);
        var filler = new RobustView[ViewKinds.Count];
#pragma warning disable CA5394 // Deterministic filler codes for timing, not security.
        for (var i = registered.Length; i < bankSize; i++)
        {
            for (var k = 0; k < filler.Length; k++)
            {
                filler[k] = new RobustView((ViewKind)k, new Hash256((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64()), 100);
            }

            index.Add(i, filler);
        }
#pragma warning restore CA5394

        return (Math.Max(bankSize, registered.Length), TimeQueries(index, queries), small);
    }

    /// <summary>Local search time per query against the real registrations plus fillers up to <paramref name="bankSize"/> images.</summary>
    /// <remarks>
    /// A filler is a real registration with every descriptor bit flipped with probability 1/4 (64 bits
    /// on average) and its positions kept: its descriptors keep the bit biases of real ORB-like codes
    /// (which cluster more than random codes, and so cost more to search) without being copies of
    /// the real ones (which would multiply every true correspondence).
    /// </remarks>
    private static List<BankSizeTiming> TimeLocalSearch(LocalFeatures[] registered, List<LocalFeatures> queries, int bankSize)
    {
        var growth = new List<BankSizeTiming>();
        var checkpoints = new SortedSet<int> { Math.Max(registered.Length, bankSize) };
        foreach (var size in (int[])[1000, 2500, 5000, 10_000, 20_000, 50_000])
        {
            if (size > registered.Length && size < bankSize)
            {
                checkpoints.Add(size);
            }
        }

        var index = new LocalFeatureIndex();
        for (var i = 0; i < registered.Length; i++)
        {
            index.Add(i, registered[i]);
        }

        var random = new Random(0x10CA1);
        Span<ulong> words = stackalloc ulong[4];
#pragma warning disable CA5394 // Deterministic filler codes for timing, not security.
        var results = new List<LocalMatch>();
        for (var i = registered.Length; i < Math.Max(registered.Length, bankSize) + 1; i++)
        {
            if (checkpoints.Contains(i))
            {
                growth.Add(new BankSizeTiming(i, TimeLocalQueries(index, queries, results)));
            }

            if (i >= bankSize)
            {
                break;
            }

            var source = registered[i % registered.Length];
            var descriptors = new Hash256[source.Count];
            for (var d = 0; d < descriptors.Length; d++)
            {
                source.Descriptors[d].CopyTo(words);
                for (var w = 0; w < 4; w++)
                {
                    words[w] ^= (ulong)random.NextInt64() & (ulong)random.NextInt64();
                }

                descriptors[d] = new Hash256(words);
            }

            index.Add(i, new LocalFeatures(descriptors, source.Positions));
        }
#pragma warning restore CA5394

        return growth;
    }

    private static double TimeLocalQueries(LocalFeatureIndex index, List<LocalFeatures> queries, List<LocalMatch> results)
    {
        results.Clear();
        index.Search(queries[0], results); // builds the bucket tables
        var count = Math.Min(queries.Count, 40);
        var start = CpuClock.Now();
        for (var q = 0; q < count; q++)
        {
            results.Clear();
            index.Search(queries[q * queries.Count / count], results);
        }

        return (CpuClock.Now() - start).TotalMicroseconds / count;
    }

    private static double TimeQueries(RobustIndex index, List<(int Image, ImageEdit? Edit, List<RobustView> Views)> queries)
    {
        var results = new List<RobustMatch>();
        var arrays = queries.Select(q => q.Views.ToArray()).ToList();
        var start = CpuClock.Now();
        foreach (var views in arrays)
        {
            results.Clear();
            index.Search(views, results);
        }

        return (CpuClock.Now() - start).TotalMicroseconds / arrays.Count;
    }

    private static void Print(TextWriter output, RobustnessFigures f)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench robustness: {f.RegisteredImages} registered originals, {f.DistractorImages} unrelated images, {f.EditClasses.Count} edit classes"));
        output.WriteLine();
        output.Write(string.Create(c, $"  {"edit",-14}"));
        foreach (var config in f.Configurations)
        {
            output.Write(string.Create(c, $"{config.Name,14}"));
        }

        output.WriteLine();
        foreach (var edit in f.EditClasses)
        {
            output.Write(string.Create(c, $"  {edit,-14}"));
            foreach (var config in f.Configurations)
            {
                output.Write(string.Create(c, $"{config.RecallPerEdit[edit],14:P0}"));
            }

            output.WriteLine();
        }

        output.WriteLine();
        Row(output, "overall", f.Configurations, x => string.Create(c, $"{x.Recall:P1}"));
        Row(output, "worst class", f.Configurations, x => string.Create(c, $"{x.WorstClassRecall:P0}"));
        Row(output, "false matches", f.Configurations, x => string.Create(c, $"{x.FalseMatches}"));
        Row(output, "bytes/image", f.Configurations, x => string.Create(c, $"{x.BytesPerRegisteredImage:F0}"));
        output.WriteLine();
        var all = f.Configurations[^1];
        output.WriteLine("  matches of 'all' by the signal that matched closest: " + string.Join(", ", all.FirstMatchingSignal.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(c, $"{p.Key} {p.Value}"))));
        output.WriteLine(string.Create(c, $"  distractor queries: {all.DistractorQueries} (unrelated images and their edits)"));
        output.WriteLine(string.Create(c, $"  decode + views per query, p50: {f.QueryViewsMicrosecondsP50 / 1000:F1} ms"));
        output.WriteLine(string.Create(c, $"  search per query: {f.SearchMicrosecondsPerQuerySmallBank:F0} us ({f.RegisteredImages} images), {f.SearchMicrosecondsPerQuery:F0} us ({f.SearchBankSize:N0} images)"));
        output.WriteLine(string.Create(c, $"  local features per query, p50: {f.LocalFeaturesMicrosecondsP50 / 1000:F1} ms; local search per query: {f.LocalSearchMicrosecondsPerQuerySmallBank / 1000:F1} ms ({f.LocalSearchSmallBankSize:N0} images), {f.LocalSearchMicrosecondsPerQuery / 1000:F1} ms ({f.SearchBankSize:N0} images)"));
        output.WriteLine("  times are CPU time (one core; not wall-clock time on a busy machine)");
        output.WriteLine(string.Create(c, $"  per query, one decode, p50: decode {f.DecodeMicrosecondsP50 / 1000:F1} ms, PDQ views {(f.QueryViewsMicrosecondsP50 - f.DecodeMicrosecondsP50) / 1000:F1} ms, local features {f.LocalFeaturesMicrosecondsP50 / 1000:F1} ms; all signals fingerprinted {f.FingerprintMicrosecondsP50 / 1000:F1} ms"));
        output.WriteLine(string.Create(c, $"  query in all at {f.SearchBankSize:N0} images (fingerprint + PDQ-view search + local search): {f.QueryMicrosecondsAtBankSize / 1000:F1} ms"));
        output.WriteLine("  local search growth: " + string.Join(", ", f.LocalSearchGrowth.Select(g => string.Create(c, $"{g.BankSize:N0} images {g.Microseconds / 1000:F1} ms"))));
    }

    private static void Row(TextWriter output, string label, List<ConfigurationFigures> configs, Func<ConfigurationFigures, string> cell)
    {
        output.Write(string.Create(CultureInfo.InvariantCulture, $"  {label,-14}"));
        foreach (var config in configs)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"{cell(config),14}"));
        }

        output.WriteLine();
    }

    private sealed class EditFigures
    {
        public int Queries { get; set; }

        public int Found { get; set; }

        public double Recall => Queries == 0 ? 0 : (double)Found / Queries;
    }
}

/// <summary>
/// A query as the matchers compute it (one decode, then the PDQ views, then the local features from
/// the same pixels), each stage timed on the process's CPU clock (<see cref="CpuClock"/>).
/// </summary>
internal sealed class QueryStages(int queryKeypoints, int querySide)
{
    private readonly RobustViewHasher _views = new();
    private readonly LocalFeatureExtractor _local = new();

    public (List<RobustView> Views, LocalFeatures Local, TimeSpan DecodeTime, TimeSpan ViewsTime, TimeSpan LocalTime) Query(byte[] bytes)
    {
        var start = CpuClock.Now();
        var image = ImageDecoder.Decode(bytes);
        var decoded = CpuClock.Now();
        var views = new List<RobustView>();
        _views.ComputeQuery(image.Pixels, image.Width, image.Height, image.Format, RobustFamilies.PdqViews, views);
        var hashed = CpuClock.Now();
        var local = _local.Extract(image.Pixels, image.Width, image.Height, image.Format, queryKeypoints, workingSide: querySide);
        var done = CpuClock.Now();
        return (views, local, decoded - start, hashed - decoded, done - hashed);
    }
}

/// <summary>
/// CPU time of the process (every thread: libvips decodes on its own workers), so that timings on a
/// shared, busy machine count the bench's work and not the time it waited for a core. The bench is
/// otherwise single-threaded, so this is the cost on one core.
/// </summary>
internal static class CpuClock
{
    public static TimeSpan Now() => Environment.CpuUsage.TotalTime;
}

/// <summary>Figures of one configuration of signals.</summary>
internal sealed record ConfigurationFigures
{
    public required string Name { get; init; }

    public required double Recall { get; init; }

    public required double WorstClassRecall { get; init; }

    public required Dictionary<string, double> RecallPerEdit { get; init; }

    public required Dictionary<string, int> FirstMatchingSignal { get; init; }

    public required int FalseMatches { get; init; }

    public required int DistractorQueries { get; init; }

    public required double BytesPerRegisteredImage { get; init; }
}

/// <summary>Figures of one <c>haechi bench robustness</c> run.</summary>
internal sealed record RobustnessFigures
{
    public required int RegisteredImages { get; init; }

    public required int DistractorImages { get; init; }

    public required List<string> EditClasses { get; init; }

    public required List<ConfigurationFigures> Configurations { get; init; }

    public required double QueryViewsMicrosecondsP50 { get; init; }

    public required int SearchBankSize { get; init; }

    public required double SearchMicrosecondsPerQuery { get; init; }

    public required double SearchMicrosecondsPerQuerySmallBank { get; init; }

    public required double LocalFeaturesMicrosecondsP50 { get; init; }

    public required double LocalSearchMicrosecondsPerQuery { get; init; }

    public required double LocalSearchMicrosecondsPerQuerySmallBank { get; init; }

    public required int LocalSearchSmallBankSize { get; init; }

    public required double DecodeMicrosecondsP50 { get; init; }

    public required double FingerprintMicrosecondsP50 { get; init; }

    public required List<BankSizeTiming> LocalSearchGrowth { get; init; }

    public required double QueryMicrosecondsAtBankSize { get; init; }
}

/// <summary>Search time per query at one bank size.</summary>
internal sealed record BankSizeTiming(int BankSize, double Microseconds);
