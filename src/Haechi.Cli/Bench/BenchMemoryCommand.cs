using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Haechi.Data;
using Haechi.Media.Images;
using Haechi.Pipeline.Matching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Haechi.Cli.Bench;

/// <summary>
/// <c>haechi bench memory</c>: what the one <see cref="Matcher"/> of a server costs with N registered
/// photos. A scratch SQLite store gets N photos as a victims' bank keeps them (PDQ plus the views of
/// the default signals, <see cref="SyntheticRegistrations"/>); the matcher is then loaded the way the
/// server loads it (a service collection with <c>AddHaechiStore</c> and <c>AddMatching</c>,
/// <see cref="Matcher.EnsureLoadedAsync"/>), first from the rows, then again in a new service
/// provider from the snapshots the first load wrote. Managed heap (after a full collection) and the
/// process working set are measured before and after; the baseline is the raw size of the hashes.
/// </summary>
internal static class BenchMemoryCommand
{
    private const ulong Seed = 0x4861656368694D4D; // "HaechiMM"
    private const int RealPhotos = 16;
    private const string BankName = "victims";

    public static Command Create(CliConsole console)
    {
        var photos = new Option<int>("--photos") { Description = "Registered photos in the scratch store.", DefaultValueFactory = _ => 1_000_000 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with named figures." };
        var command = new Command(
            "memory",
            "Measure the matcher's memory and load time with N registered photos (default victim signals: PDQ and its views) in a scratch store, loaded as the server loads it; "
            + "baseline: the raw size of the hashes. Measured 2026-12-07, 2 shared cores, --photos 1000000: 5,873 bytes per photo (4.2x the raw 1,410), load 182 s from the rows.")
        {
            photos, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var count = result.GetValue(photos);
            if (count < RealPhotos)
            {
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: bench memory: --photos must be at least {RealPhotos}.")).ConfigureAwait(false);
                return 2;
            }

            var scratch = Directory.CreateTempSubdirectory("haechi-bench-memory-");
            try
            {
                var figures = await MeasureAsync(console, new DatabaseLocation(scratch.FullName), count, ct).ConfigureAwait(false);
                if (result.GetValue(json))
                {
                    await console.Out.WriteLineAsync(JsonSerializer.Serialize(figures, BenchJson.Options)).ConfigureAwait(false);
                }
                else
                {
                    Print(console.Out, figures);
                }

                return figures.QueryFound && figures.PdqEntries == count && figures.ViewEntries == count ? 0 : 1;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }

    private static async Task<BenchMemoryFigures> MeasureAsync(CliConsole console, DatabaseLocation location, int count, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        var registrations = new SyntheticRegistrations(SyntheticRegistrations.Fingerprint(RealPhotos, 40_000, SyntheticRegistrations.DefaultFamilies), Seed);
        await console.Error.WriteLineAsync(string.Create(c, $"inserting {count:N0} registered photos ({registrations.HashCount(0)} hashes each for the first)...")).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        var lastReport = start;
        var hashes = await registrations.InsertAsync(location, BankName, count, done =>
        {
            if (Stopwatch.GetElapsedTime(lastReport).TotalSeconds >= 10)
            {
                lastReport = Stopwatch.GetTimestamp();
                console.Error.WriteLine(string.Create(c, $"  {done:N0} photos, {Stopwatch.GetElapsedTime(start).TotalSeconds:F0} s"));
            }
        }, cancellationToken).ConfigureAwait(false);
        var insertSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var storeBytes = Directory.EnumerateFiles(location.DataDirectory, HaechiDatabase.FileName + "*").Sum(f => new FileInfo(f).Length);

        // Load 1: no snapshot, every index from the rows (the server's first start on this store).
        await console.Error.WriteLineAsync("loading the matcher from the rows...").ConfigureAwait(false);
        var first = await MeasureLoadAsync(location, query: true, cancellationToken).ConfigureAwait(false);

        // Load 2: a new matcher, the first one released, from the snapshots load 1 wrote (the server's next start).
        await console.Error.WriteLineAsync("loading the matcher again, from the snapshots...").ConfigureAwait(false);
        var second = await MeasureLoadAsync(location, query: false, cancellationToken).ConfigureAwait(false);
        var snapshotBytes = Directory.Exists(Path.Combine(location.DataDirectory, "index"))
            ? Directory.EnumerateFiles(Path.Combine(location.DataDirectory, "index")).Sum(f => new FileInfo(f).Length)
            : 0;
        var (before, afterRows, released, afterSnapshot) = (first.Before, first.After, second.Before, second.After);
        var pdq = first.Indexes.Single(s => s.SignalType == Core.Signals.SignalType.Pdq.Name);
        var views = first.Indexes.Single(s => s.SignalType == Core.Signals.SignalType.PdqView.Name);
        var query = first.Query;
        var managed = afterRows.ManagedBytes - before.ManagedBytes;
        return new BenchMemoryFigures
        {
            Photos = count,
            HashesStored = hashes,
            HashesPerPhoto = (double)hashes / count,
            InsertSeconds = insertSeconds,
            StoreBytes = storeBytes,
            SnapshotBytes = snapshotBytes,
            Indexes = first.Indexes.Select(s => new BenchMemoryIndex(s.SignalType, s.Count, s.Source, second.Indexes.Single(t => t.SignalType == s.SignalType).Source)).ToList(),
            PdqEntries = pdq.Count,
            ViewEntries = views.Count,
            LoadFromRowsSeconds = first.Seconds,
            LoadFromSnapshotSeconds = second.Seconds,
            ManagedBytesBefore = before.ManagedBytes,
            ManagedBytesAfterRows = afterRows.ManagedBytes,
            ManagedBytesReleased = released.ManagedBytes,
            ManagedBytesAfterSnapshot = afterSnapshot.ManagedBytes,
            WorkingSetBefore = before.WorkingSet,
            WorkingSetAfterRows = afterRows.WorkingSet,
            WorkingSetAfterSnapshot = afterSnapshot.WorkingSet,
            PeakWorkingSet = afterSnapshot.PeakWorkingSet,
            ManagedBytesPerPhoto = (double)managed / count,
            ManagedBytesPerPhotoFromSnapshot = (double)(afterSnapshot.ManagedBytes - released.ManagedBytes) / count,
            RawHashBytes = hashes * 32,
            RawHashBytesPerPhoto = hashes * 32.0 / count,
            OverheadFactor = managed / (hashes * 32.0),
            QueryFound = query.Found,
            QueryMatchedBy = query.MatchedBy,
            QueryMilliseconds = query.Milliseconds,
        };
    }

    // One load of a new matcher, measured; the matcher is released before returning.
    private static async Task<LoadFigures> MeasureLoadAsync(DatabaseLocation location, bool query, CancellationToken cancellationToken)
    {
        var before = Memory.Measure();

        // The server's registrations (Program.cs: AddHaechiStore, AddMatching); its IndexRefresher calls EnsureLoadedAsync at start.
        var services = new ServiceCollection();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHaechiStore(location);
        services.AddMatching();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var matcher = provider.GetRequiredService<Matcher>();
        var start = Stopwatch.GetTimestamp();
        await matcher.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var after = Memory.Measure();
        var found = query ? await QueryAsync(matcher, cancellationToken).ConfigureAwait(false) : default;
        return new LoadFigures(seconds, before, after, matcher.Status.Indexes, found);
    }

    // A centre crop (7.5 % off each side) of registered photo 0 (a real fingerprint), through the matcher as any caller queries it.
    private static async Task<(bool Found, string MatchedBy, double Milliseconds)> QueryAsync(Matcher matcher, CancellationToken cancellationToken)
    {
        const int width = 640, height = 480, inset = 48;
        var rgb = SyntheticImages.DrawRgb(width, height, 40_000);
        var (cropWidth, cropHeight) = (width - (2 * inset), height - (2 * inset * 3 / 4));
        var cropped = new byte[cropWidth * cropHeight * 3];
        for (var y = 0; y < cropHeight; y++)
        {
            rgb.AsSpan((((y + (inset * 3 / 4)) * width) + inset) * 3, cropWidth * 3).CopyTo(cropped.AsSpan(y * cropWidth * 3));
        }

        var start = Stopwatch.GetTimestamp();
        var fingerprint = matcher.Fingerprinter().Fingerprint(SyntheticImages.EncodeJpeg(cropped, cropWidth, cropHeight), matcher.QueryParts);
        var matches = await matcher.MatchImageAsync(fingerprint, MatchFilter.Default, cancellationToken).ConfigureAwait(false);
        var milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var hit = matches.FirstOrDefault(m => m.Entry.ExternalId == "BENCH-00000000");
        return (hit is not null, hit?.MatchedBy ?? "none", milliseconds);
    }

    private static void Print(TextWriter output, BenchMemoryFigures f)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"haechi bench memory: {f.Photos:N0} registered photos ({SyntheticRegistrations.DefaultFamilies.ToString().ToLowerInvariant()}: {f.HashesPerPhoto:F1} hashes each), SQLite store, {Environment.ProcessorCount} cores"));
        output.WriteLine(string.Create(c, $"  insert (batched, {SyntheticRegistrations.InsertChunk:N0} photos per commit)  {f.InsertSeconds,8:F1} s   store {Mb(f.StoreBytes)} MB"));
        output.WriteLine();
        output.WriteLine("  index host         entries   first load        second load");
        foreach (var index in f.Indexes)
        {
            output.WriteLine(string.Create(c, $"  {index.SignalType,-16} {index.Entries,10:N0}   {index.SourceFirstLoad,-16}  {index.SourceSecondLoad}"));
        }

        output.WriteLine();
        output.WriteLine("                              from rows     from snapshot");
        output.WriteLine(string.Create(c, $"  load seconds                {f.LoadFromRowsSeconds,10:F1}     {f.LoadFromSnapshotSeconds,10:F1}   (snapshots {Mb(f.SnapshotBytes)} MB)"));
        output.WriteLine(string.Create(c, $"  managed heap before (MB)    {Mb(f.ManagedBytesBefore),10}     {Mb(f.ManagedBytesReleased),10}   (GC.GetTotalMemory after a full collection)"));
        output.WriteLine(string.Create(c, $"  managed heap after (MB)     {Mb(f.ManagedBytesAfterRows),10}     {Mb(f.ManagedBytesAfterSnapshot),10}"));
        output.WriteLine(string.Create(c, $"  working set before (MB)     {Mb(f.WorkingSetBefore),10}"));
        output.WriteLine(string.Create(c, $"  working set after (MB)      {Mb(f.WorkingSetAfterRows),10}     {Mb(f.WorkingSetAfterSnapshot),10}   (peak {Mb(f.PeakWorkingSet)} MB)"));
        output.WriteLine(string.Create(c, $"  managed bytes per photo     {f.ManagedBytesPerPhoto,10:N0}     {f.ManagedBytesPerPhotoFromSnapshot,10:N0}"));
        output.WriteLine(string.Create(c, $"  baseline: raw hashes        {f.RawHashBytesPerPhoto,10:N0} B per photo, {Mb(f.RawHashBytes)} MB in all ({f.HashesStored:N0} x 32 B)"));
        output.WriteLine(string.Create(c, $"  overhead factor             {f.OverheadFactor,10:F1}x the raw hashes"));
        output.WriteLine(string.Create(c, $"  query (7.5% crop of photo 0){(f.QueryFound ? "found" : "NOT FOUND"),10}     by {f.QueryMatchedBy}, {f.QueryMilliseconds:F0} ms with the fingerprint"));
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture);

    private sealed record LoadFigures(double Seconds, Memory Before, Memory After, IReadOnlyList<IndexHostStatus> Indexes, (bool Found, string MatchedBy, double Milliseconds) Query);

    private readonly record struct Memory(long ManagedBytes, long WorkingSet, long PeakWorkingSet)
    {
        public static Memory Measure()
        {
            var managed = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            return new Memory(managed, process.WorkingSet64, process.PeakWorkingSet64);
        }
    }
}

/// <summary>One index host of the matcher in <c>haechi bench memory</c>.</summary>
internal sealed record BenchMemoryIndex(string SignalType, int Entries, string SourceFirstLoad, string SourceSecondLoad);

/// <summary>Figures of one <c>haechi bench memory</c> run.</summary>
internal sealed record BenchMemoryFigures
{
    public required int Photos { get; init; }

    public required long HashesStored { get; init; }

    public required double HashesPerPhoto { get; init; }

    public required double InsertSeconds { get; init; }

    public required long StoreBytes { get; init; }

    public required long SnapshotBytes { get; init; }

    public required IReadOnlyList<BenchMemoryIndex> Indexes { get; init; }

    public required int PdqEntries { get; init; }

    public required int ViewEntries { get; init; }

    public required double LoadFromRowsSeconds { get; init; }

    public required double LoadFromSnapshotSeconds { get; init; }

    public required long ManagedBytesBefore { get; init; }

    public required long ManagedBytesAfterRows { get; init; }

    public required long ManagedBytesReleased { get; init; }

    public required long ManagedBytesAfterSnapshot { get; init; }

    public required long WorkingSetBefore { get; init; }

    public required long WorkingSetAfterRows { get; init; }

    public required long WorkingSetAfterSnapshot { get; init; }

    public required long PeakWorkingSet { get; init; }

    public required double ManagedBytesPerPhoto { get; init; }

    public required double ManagedBytesPerPhotoFromSnapshot { get; init; }

    public required long RawHashBytes { get; init; }

    public required double RawHashBytesPerPhoto { get; init; }

    public required double OverheadFactor { get; init; }

    public required bool QueryFound { get; init; }

    public required string QueryMatchedBy { get; init; }

    public required double QueryMilliseconds { get; init; }
}
