using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Haechi.Cli.Banks;
using Haechi.Cli.Hashing;
using Haechi.Cli.Video;
using Haechi.Core.Banks;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Matching;
using Haechi.Core.Robust;
using Haechi.Core.Video;
using Haechi.Data.Banks;
using Haechi.Data.Matching;
using Haechi.Media.Images;
using Haechi.Media.Robust;
using Haechi.Media.Video;

namespace Haechi.Cli.Matching;

/// <summary><c>haechi match</c>: hashes files and looks them up in banks through the PDQ index.</summary>
internal static class MatchCommand
{
    private sealed record FileQuery(string Path, ImageFingerprint Fingerprint);

    public static Command Create(CliConsole console)
    {
        var banks = new Option<string[]>("--bank") { Description = "Bank to match against (repeatable; default: every PDQ bank)." };
        var radius = new Option<int>("--radius") { Description = "Largest Hamming distance that matches (inclusive, 0..64).", DefaultValueFactory = _ => SignalType.Pdq.DefaultRadius };
        var dihedral = new Option<bool>("--dihedral") { Description = "Also match rotated and mirrored copies (the 8 dihedral hashes of each file); reports which transform matched." };
        var minQuality = new Option<int>("--min-quality") { Description = "Skip files and bank entries whose PDQ quality is below this.", DefaultValueFactory = _ => PdqQuality.DefaultMinimum };
        var json = new Option<bool>("--json") { Description = "One JSON object per file with its matches." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files hashed in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Match every image under the directories given." };
        var fps = new Option<double?>("--fps") { Description = "Videos: hash N frames per second of each query video (default: every frame). Stored videos keep every frame." };
        var paths = new Argument<string[]>("PATH") { Description = "Image files, and videos (by extension: .mp4, .mov, .mkv, .webm, ...) to match against vPDQ banks.", Arity = ArgumentArity.OneOrMore };
        var imageOptions = new ImageOptions();
        var command = new Command(
            "match",
            "Hash each image and print its matches in the PDQ banks as 'path,bank,entry_id,distance,transform'; " +
            "hash each video and print its matches in the vPDQ banks as 'path,bank,entry_id,query_match_percent,compared_match_percent'. " +
            "Nothing is printed for a file without matches.")
        {
            banks, radius, dihedral, minQuality, json, jobs, recursive, fps, paths,
        };
        imageOptions.AddTo(command);
        radius.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 64)
            {
                r.AddError("--radius must be between 0 and 64.");
            }
        });
        command.SetAction(async (result, ct) =>
        {
            var all = InputFiles.Expand(result.GetValue(paths) ?? [], result.GetValue(recursive));
            var videos = all.Where(f => f.Problem is null && VideoFiles.IsVideo(f.Path)).ToList();
            var files = all.Where(f => f.Problem is not null || !VideoFiles.IsVideo(f.Path)).ToList();
            var parts = result.GetValue(dihedral) ? FingerprintParts.Dihedral : FingerprintParts.Pdq;
            var failed = false;
            try
            {
                await using var db = await CliStore.OpenAsync(result, ct).ConfigureAwait(false);
                var store = CliStore.Banks(db);
                var wanted = await ResolveBanksAsync(store, result.GetValue(banks) ?? [], ct).ConfigureAwait(false);
                var loader = new SignalIndexLoader(DataDirectoryOption.Resolve(result), TimeProvider.System);

                // Banks with extra signals: their query views come from the same decode as the PDQ hash (one decode per file).
                var robust = files.Count > 0 ? await LoadRobustAsync(store, ct).ConfigureAwait(false) : null;
                if (robust is not null)
                {
                    parts |= FingerprintParts.RobustViews;
                }

                var queries = new List<FileQuery>();
                OrderedFingerprinting.Run(
                    console,
                    files,
                    imageOptions.Read(result),
                    parts,
                    Math.Max(1, result.GetValue(jobs)),
                    (file, fingerprint, problem) =>
                    {
                        if (fingerprint is null)
                        {
                            failed = true;
                            console.Error.WriteLine($"haechi: {file.Path}: {problem}");
                        }
                        else
                        {
                            queries.Add(new FileQuery(file.Path, fingerprint));
                        }
                    },
                    robust?.QueryFamilies ?? RobustFamilies.None);

                if (queries.Count > 0)
                {
                    var loaded = await LoadIndexAsync(console, loader, store, SignalType.Pdq, ct).ConfigureAwait(false);
                    var runner = new MatchRun(console, store, loaded.Index, robust, wanted, result.GetValue(radius), result.GetValue(minQuality), result.GetValue(json));
                    await runner.RunAsync(queries, ct).ConfigureAwait(false);
                }

                if (videos.Count > 0)
                {
                    var loaded = await LoadIndexAsync(console, loader, store, SignalType.Vpdq, ct).ConfigureAwait(false);
                    var matchOptions = new VpdqMatchOptions { MaxDistance = result.GetValue(radius), MinQuality = result.GetValue(minQuality) };
                    var decodeOptions = VideoDecodeOptions.Default with { FramesPerSecond = result.GetValue(fps) };
                    var videoRun = new VideoMatchRun(console, store, loaded.Index, wanted, matchOptions, decodeOptions, result.GetValue(json));
                    failed |= !await videoRun.RunAsync(videos, ct).ConfigureAwait(false);
                }
            }
            catch (BankStoreException ex)
            {
                await console.Error.WriteLineAsync("haechi: " + ex.Message).ConfigureAwait(false);
                return 1;
            }

            return failed ? 1 : 0;
        });
        return command;
    }

    // Banks created with extra signals keep views of each image; they are searched together (rebuilt per run, not snapshotted yet).
    private static async Task<RobustPass?> LoadRobustAsync(BankStore store, CancellationToken cancellationToken)
    {
        var families = RobustFamilies.None;
        foreach (var bank in await store.ListBanksAsync(cancellationToken).ConfigureAwait(false))
        {
            families |= bank.ExtraSignals;
        }

        if (families == RobustFamilies.None)
        {
            return null;
        }

        var index = new RobustIndex();
        var views = new List<RobustView>();
        long current = -1;
        await foreach (var (entryId, view) in store.ReadActiveExtraViewsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (entryId != current && views.Count > 0)
            {
                index.Add(current, views.ToArray());
                views.Clear();
            }

            current = entryId;
            views.Add(view);
        }

        if (views.Count > 0)
        {
            index.Add(current, views.ToArray());
        }

        return new RobustPass(index, families);
    }

    private static async Task<LoadedIndex> LoadIndexAsync(CliConsole console, SignalIndexLoader loader, BankStore store, SignalType signalType, CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAsync(store, signalType, cancellationToken).ConfigureAwait(false);
        if (loaded.Source == IndexSource.BuiltCorrupt)
        {
            await console.Error.WriteLineAsync($"haechi: the {signalType.Name} index snapshot was damaged; rebuilt it from the bank rows").ConfigureAwait(false);
        }

        return loaded;
    }

    private static async Task<HashSet<string>?> ResolveBanksAsync(BankStore store, string[] names, CancellationToken cancellationToken)
    {
        if (names.Length == 0)
        {
            return null;
        }

        foreach (var name in names)
        {
            // Unknown banks are an error; images are matched in the PDQ banks, videos in the vPDQ banks.
            await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
        }

        return new HashSet<string>(names, StringComparer.Ordinal);
    }

    /// <summary>The extra-view index of banks that keep rotations, trimmed views, crops or strips.</summary>
    private sealed record RobustPass(RobustIndex Index, RobustFamilies QueryFamilies);

    /// <summary>One entry found for one file: how close and through which signal.</summary>
    private readonly record struct FoundEntry(long Id, int Distance, string MatchedBy, string Transform);

    private sealed class MatchRun(CliConsole console, BankStore store, HammingIndex index, RobustPass? robust, HashSet<string>? banks, int radius, int minQuality, bool json)
    {
        public async Task RunAsync(List<FileQuery> queries, CancellationToken cancellationToken)
        {
            var found = new List<DihedralMatch>();
            var robustFound = new List<RobustMatch>();
            foreach (var query in queries)
            {
                found.Clear();
                var fingerprint = query.Fingerprint;
                if (fingerprint.Quality < minQuality)
                {
                    await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: {query.Path}: quality {fingerprint.Quality} is below {minQuality}; too weak to match on")).ConfigureAwait(false);
                    if (json)
                    {
                        await console.Out.WriteLineAsync(Json(query, [], skipped: true)).ConfigureAwait(false);
                    }

                    continue;
                }

                // Plain PDQ (and the query's dihedral hashes with --dihedral) against every entry.
                var best = new Dictionary<long, FoundEntry>();
                index.SearchDihedral(fingerprint.Dihedral ?? [fingerprint.Pdq], radius, found);
                foreach (var match in found)
                {
                    var transform = ((DihedralTransform)match.QueryIndex).ToName();
                    best[match.Id] = new FoundEntry(match.Id, match.Distance, match.QueryIndex == 0 ? "pdq" : "dihedral", transform);
                }

                // Extra views kept by banks created with --signals: an entry found only this way is reported through them.
                if (robust is not null && fingerprint.Views is { } views)
                {
                    robustFound.Clear();
                    robust.Index.Search([.. views], robustFound);

                    foreach (var match in robustFound)
                    {
                        if (!best.ContainsKey(match.ImageId))
                        {
                            var view = match.Signal == RobustSignal.Partial || match.Signal == RobustSignal.Canonical ? match.QueryView : match.RegisteredView;
                            best[match.ImageId] = new FoundEntry(match.ImageId, match.Distance, match.Signal.Name(), view == ViewKind.Whole ? match.RegisteredView.Name() : view.Name());
                        }
                    }
                }

                var entries = await store.GetActiveEntriesAsync(best.Keys.ToList(), cancellationToken).ConfigureAwait(false);
                var matches = new List<(FoundEntry Match, BankEntryView Entry)>();
                foreach (var match in best.Values)
                {
                    // Entries withdrawn since the index was loaded are absent from the lookup.
                    if (entries.TryGetValue(match.Id, out var entry) && entry.Quality >= minQuality && (banks is null || banks.Contains(entry.Bank)))
                    {
                        matches.Add((match, entry));
                    }
                }

                matches.Sort(static (a, b) => a.Match.Distance != b.Match.Distance ? a.Match.Distance.CompareTo(b.Match.Distance) : a.Match.Id.CompareTo(b.Match.Id));
                if (json)
                {
                    await console.Out.WriteLineAsync(Json(query, matches, skipped: false)).ConfigureAwait(false);
                    continue;
                }

                foreach (var (match, entry) in matches)
                {
                    var how = match.MatchedBy is "pdq" or "dihedral" ? match.Transform : match.MatchedBy + ":" + match.Transform;
                    await console.Out.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{query.Path},{entry.Bank},{entry.Id},{match.Distance},{how}")).ConfigureAwait(false);
                }
            }
        }

        private static string Json(FileQuery query, List<(FoundEntry Match, BankEntryView Entry)> matches, bool skipped)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("path", query.Path);
                writer.WriteString("pdq", query.Fingerprint.Pdq.ToString());
                writer.WriteNumber("quality", query.Fingerprint.Quality);
                if (skipped)
                {
                    writer.WriteString("skipped", "quality below threshold");
                }

                writer.WriteStartArray("matches");
                foreach (var (match, entry) in matches)
                {
                    writer.WriteStartObject();
                    writer.WriteString("bank", entry.Bank);
                    writer.WriteNumber("entry_id", entry.Id);
                    writer.WriteNumber("distance", match.Distance);
                    writer.WriteString("matched_by", match.MatchedBy);
                    writer.WriteString("transform", match.Transform);
                    writer.WriteString("signal", entry.Signal.ToString());
                    writer.WriteNumber("entry_quality", entry.Quality);
                    EntryJson.WriteReference(writer, entry);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }
}
