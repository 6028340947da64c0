using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Haechi.Cli.Banks;
using Haechi.Cli.Hashing;
using Haechi.Cli.Video;
using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Media.Images;
using Haechi.Media.Video;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Matching;

/// <summary><c>haechi match</c>: hashes files and looks them up in banks through the PDQ index.</summary>
internal static class MatchCommand
{
    private sealed record FileQuery(string Path, ImageFingerprint Fingerprint);

    public static Command Create(CliConsole console)
    {
        var banks = new Option<string[]>("--bank") { Description = "Bank to match against (repeatable; default: every PDQ bank)." };
        var radius = new Option<int>("--radius") { Description = "Largest Hamming distance that matches (inclusive, 0..64).", DefaultValueFactory = _ => SignalType.Pdq.DefaultRadius };
        var dihedral = new Option<bool>("--dihedral") { Description = "Also match rotated and mirrored copies (the 8 dihedral hashes of each file), as every other caller of the matcher does; reports which transform matched. On by default; --dihedral false matches the plain hash only.", DefaultValueFactory = _ => true };
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
            var queries = new List<FileQuery>();
            var failed = false;
            try
            {
                await using var services = CliServices.Create(result);
                var matcher = await services.MatcherAsync(console, ct).ConfigureAwait(false);
                var filter = new MatchFilter
                {
                    Radius = result.GetValue(radius),
                    MinQuality = result.GetValue(minQuality),
                    Banks = await matcher.ResolveBanksAsync(result.GetValue(banks) ?? [], ct).ConfigureAwait(false),
                };

                // What every caller of the matcher computes from one decode: dihedral PDQ, and the query views and keypoints the banks need.
                var parts = matcher.QueryParts;
                if (!result.GetValue(dihedral))
                {
                    parts &= ~FingerprintParts.Dihedral;
                }

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
                    matcher.Fingerprinter().QueryViews);

                if (queries.Count > 0)
                {
                    var runner = new MatchRun(console, matcher, filter, result.GetValue(json));
                    await runner.RunAsync(queries, ct).ConfigureAwait(false);
                }

                if (videos.Count > 0)
                {
                    var decodeOptions = VideoDecodeOptions.Default with { FramesPerSecond = result.GetValue(fps) };
                    var videoRun = new VideoMatchRun(console, matcher, filter, decodeOptions, result.GetValue(json));
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

    private sealed class MatchRun(CliConsole console, Matcher matcher, MatchFilter filter, bool json)
    {
        public async Task RunAsync(List<FileQuery> queries, CancellationToken cancellationToken)
        {
            foreach (var query in queries)
            {
                var fingerprint = query.Fingerprint;
                if (fingerprint.Quality < filter.MinQuality)
                {
                    await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: {query.Path}: quality {fingerprint.Quality} is below {filter.MinQuality}; too weak to match on")).ConfigureAwait(false);
                    if (json)
                    {
                        await console.Out.WriteLineAsync(Json(query, [], skipped: true)).ConfigureAwait(false);
                    }

                    continue;
                }

                var matches = await matcher.MatchImageAsync(fingerprint, filter, cancellationToken).ConfigureAwait(false);

                if (json)
                {
                    await console.Out.WriteLineAsync(Json(query, matches, skipped: false)).ConfigureAwait(false);
                    continue;
                }

                foreach (var match in matches)
                {
                    var how = match.MatchedBy is "pdq" or "dihedral" ? match.Transform : match.MatchedBy + ":" + match.Transform;
                    await console.Out.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{query.Path},{match.Entry.Bank},{match.Entry.Id},{match.Distance},{how}")).ConfigureAwait(false);
                }
            }
        }

        private static string Json(FileQuery query, IReadOnlyList<ImageBankMatch> matches, bool skipped)
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
                foreach (var match in matches)
                {
                    EntryJson.WriteImageMatch(writer, match);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }
}
