using System.CommandLine;
using System.Globalization;
using Haechi.Cli.Hashing;
using Haechi.Core.Faces;
using Haechi.Core.Hashing.Pdq;
using Haechi.Data.Banks;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Vision;

/// <summary><c>haechi scan</c>: fingerprint, faces, enrolled-face matches and nudity triage for each image.</summary>
internal static class ScanCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object per image (JSON Lines)." };
        var faces = new Option<bool>("--faces") { Description = "Detect faces (boxes and scores) and match them against every enrolled face bank." };
        var nsfw = new Option<bool>("--nsfw") { Description = "Score nudity (drawing, hentai, neutral, porn, sexy): a triage score, never a verdict." };
        var report = new Option<string?>("--report") { Description = "Also write an HTML report with previews and face boxes to this file." };
        var noBlur = new Option<bool>("--no-blur") { Description = "Show previews in the report unblurred and in colour (default: blurred and grey)." };
        var threshold = new Option<float>("--threshold") { Description = "Cosine similarity for a face match.", DefaultValueFactory = _ => FaceBank.DefaultThreshold };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Images scanned in parallel (default: the number of cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var recursive = new Option<bool>("--recursive", "-r") { Description = "Scan every file under the directories given." };
        var fps = new Option<double>("--fps") { Description = "Videos: frames analysed per second (default 1).", DefaultValueFactory = _ => 1 };
        var keyframes = new Option<string?>("--keyframes") { Description = "Videos: write small blurred grey JPEG keyframes (first sighting of each enrolled face, the most sexual frame) into this directory." };
        var paths = new Argument<string[]>("PATH") { Description = "Image files, or directories with --recursive.", Arity = ArgumentArity.OneOrMore };
        var command = new Command(
            "scan",
            "Scan images: PDQ fingerprint and quality, and with --faces the faces found and their matches in enrolled face banks, with --nsfw\n" +
            "nudity scores; and the image's matches in the banks through the same matcher and rules as 'haechi match' (PDQ with rotations and mirrors,\n" +
            "registered views, keypoints; radius 31, quality ≥ 50). One line per image\n" +
            "('pdq,quality,faces,porn,path', then indented matches), or JSON Lines with --json. Videos (by extension) are sampled at --fps\n" +
            "and reported per video after the images: 'video,frames,frames_with_faces,subjects,porn_max,path' then each enrolled face seen\n" +
            "with its time ranges, or one JSON object with \"kind\":\"video\". Run 'haechi models pull' first.")
        {
            json,
            faces,
            nsfw,
            report,
            noBlur,
            threshold,
            jobs,
            recursive,
            fps,
            keyframes,
            paths,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var dataDirectory = DataDirectoryOption.Resolve(result);
            var wantFaces = result.GetValue(faces);
            var wantNudity = result.GetValue(nsfw);
            IReadOnlyList<FaceBank> faceBanks = [];
            VisionModels models;
            try
            {
                models = VisionModels.Load(dataDirectory, (wantFaces ? VisionParts.Faces : VisionParts.None) | (wantNudity ? VisionParts.Nudity : VisionParts.None));
            }
            catch (ModelConversionException ex)
            {
                await console.Error.WriteLineAsync("haechi: scan: " + ex.Message).ConfigureAwait(false);
                return 1;
            }

            using (models)
            {
                try
                {
                    // Opening through the faces command imports face bank files of earlier versions first.
                    await using var services = CliServices.Create(dataDirectory);
                    var (db, _) = await FacesCommand.OpenAsync(console, services, cancellationToken).ConfigureAwait(false);
                    await using var owned = db;
                    var matcher = await services.MatcherAsync(console, cancellationToken).ConfigureAwait(false);
                    if (models.Embedder is { } embedder)
                    {
                        // Every face bank of this embedding model, from the matcher's face index.
                        faceBanks = matcher.FaceBanks(embedder.ModelIdentity);
                    }

                    var all = InputFiles.Expand(result.GetValue(paths) ?? [], result.GetValue(recursive));
                    var files = all.Where(f => !Video.VideoFiles.IsVideo(f.Path)).ToList();
                    var videos = all.Where(f => Video.VideoFiles.IsVideo(f.Path)).ToList();
                    var output = new ScanOutput(result.GetValue(json), faceBanks, result.GetValue(threshold));
                    var collected = result.GetValue(report) is null ? null : new List<ScanReportItem>();
                    var bankMatcher = new ScanBankMatcher(matcher);
                    var failed = false;
                    foreach (var chunk in files.Chunk(64))
                    {
                        var scanned = ScanRun.Scan(models, chunk, Math.Max(1, result.GetValue(jobs)));
                        foreach (var (file, scan, problem) in scanned)
                        {
                            if (scan is null)
                            {
                                failed = true;
                                await console.Error.WriteLineAsync("haechi: " + file.Path + ": " + problem).ConfigureAwait(false);
                                continue;
                            }

                            var faceMatches = output.Match(scan);
                            var bankMatches = await bankMatcher.MatchAsync(file.Path, scan, cancellationToken).ConfigureAwait(false);
                            collected?.Add(new ScanReportItem(file.Path, scan, faceMatches, bankMatches));
                            await console.Out.WriteLineAsync(output.Format(file.Path, scan, faceMatches, bankMatches)).ConfigureAwait(false);
                        }
                    }

                    if (videos.Count > 0)
                    {
                        var options = new VideoAnalysisOptions
                        {
                            FramesPerSecond = result.GetValue(fps),
                            Threshold = result.GetValue(threshold),
                            Keyframes = result.GetValue(keyframes) is not null,
                        };
                        failed |= await ScanVideosAsync(console, models, faceBanks, options, videos, output, result.GetValue(keyframes), cancellationToken).ConfigureAwait(false);
                    }

                    if (result.GetValue(report) is { } reportPath && collected is not null)
                    {
                        ScanReport.Write(reportPath, collected, reveal: result.GetValue(noBlur));
                        await console.Error.WriteLineAsync($"report: {reportPath}").ConfigureAwait(false);
                    }

                    return failed ? 1 : 0;
                }
                catch (BankStoreException ex)
                {
                    await console.Error.WriteLineAsync("haechi: scan: " + ex.Message).ConfigureAwait(false);
                    return 1;
                }
            }
        });
        return command;
    }

    /// <summary>Analyses each video's sampled frames; returns true when one failed.</summary>
    private static async Task<bool> ScanVideosAsync(CliConsole console, VisionModels models, IReadOnlyList<FaceBank> faceBanks, VideoAnalysisOptions options, List<InputFile> videos, ScanOutput output, string? keyframeDirectory, CancellationToken cancellationToken)
    {
        if (!(options.FramesPerSecond > 0) || options.FramesPerSecond > 120)
        {
            await console.Error.WriteLineAsync("haechi: scan: --fps must be above 0 and at most 120.").ConfigureAwait(false);
            return true;
        }

        var analyzer = new VideoFrameAnalyzer(models.Detector, models.Embedder, models.Nudity, faceBanks, options);
        var failed = false;
        for (var v = 0; v < videos.Count; v++)
        {
            var file = videos[v];
            try
            {
                if (file.Problem is { } problem)
                {
                    throw new Media.Video.VideoDecodeException(Media.Video.VideoDecodeError.Unreadable, problem);
                }

                var analysis = analyzer.Analyze(file.Path, cancellationToken);
                var written = new List<string>();
                if (keyframeDirectory is not null)
                {
                    Directory.CreateDirectory(keyframeDirectory);
                    foreach (var keyframe in analysis.Keyframes)
                    {
                        // Named by input position and time, never by the video's name.
                        var name = string.Create(CultureInfo.InvariantCulture, $"video{v + 1}-{keyframe.Reason}-{keyframe.Timestamp * 1000:F0}ms.jpg");
                        await File.WriteAllBytesAsync(Path.Combine(keyframeDirectory, name), keyframe.Jpeg, cancellationToken).ConfigureAwait(false);
                        written.Add(name);
                    }
                }

                await console.Out.WriteLineAsync(output.FormatVideo(file.Path, analysis, written)).ConfigureAwait(false);
            }
            catch (Media.Video.VideoDecodeException ex)
            {
                failed = true;
                await console.Error.WriteLineAsync("haechi: " + file.Path + ": " + ex.Message).ConfigureAwait(false);
            }
        }

        return failed;
    }
}

/// <summary>Scans a batch of files on several threads; results come back in the order given.</summary>
internal static class ScanRun
{
    public static (InputFile File, ScanResult? Scan, string? Problem)[] Scan(VisionModels models, IReadOnlyList<InputFile> files, int jobs)
    {
        var results = new (InputFile, ScanResult?, string?)[files.Count];
        ImageDecoder.SetDecoderThreads(jobs > 1 ? 1 : 0);
        Parallel.For(
            0,
            files.Count,
            new ParallelOptions { MaxDegreeOfParallelism = jobs },
            models.NewScanner,
            (i, _, scanner) =>
            {
                var file = files[i];
                if (file.Problem is { } problem)
                {
                    results[i] = (file, null, problem);
                    return scanner;
                }

                try
                {
                    results[i] = (file, scanner.Scan(ImageFingerprinter.ReadFile(file.Path, ImageDecodeOptions.DefaultMaxFileBytes)), null);
                }
                catch (ImageDecodeException ex)
                {
                    results[i] = (file, null, ex.Message);
                }

                return scanner;
            },
            static _ => { });
        return results;
    }
}

/// <summary>A PDQ bank entry within the match radius of a scanned image.</summary>
internal sealed record BankMatchView(string Bank, long EntryId, int Distance, double Strength, string MatchedBy, string? ExternalId, IReadOnlyList<string> Labels);

/// <summary>
/// Looks a scanned image up in the banks through the one matcher, with the same query (dihedral
/// PDQ, views, keypoints from one decode) and the same rules as <c>haechi match</c>, so both find the same entries.
/// </summary>
internal sealed class ScanBankMatcher(Matcher matcher)
{
    /// <summary>The matches, nearest first; null when the image's quality is too low to match on.</summary>
    public async Task<List<BankMatchView>?> MatchAsync(string path, ScanResult scan, CancellationToken cancellationToken)
    {
        if (scan.Quality < PdqQuality.DefaultMinimum)
        {
            return null;
        }

        var fingerprint = matcher.Fingerprinter().Fingerprint(path, matcher.QueryParts);
        var found = await matcher.MatchImageAsync(fingerprint, MatchFilter.Default, cancellationToken).ConfigureAwait(false);
        var matches = new List<BankMatchView>(found.Count);
        foreach (var match in found)
        {
            matches.Add(new BankMatchView(match.Entry.Bank, match.Entry.Id, match.Distance, match.Strength, match.MatchedBy, match.Entry.ExternalId, match.Entry.Labels));
        }

        return matches;
    }
}
