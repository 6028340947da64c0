using System.CommandLine;
using Haechi.Cli.Hashing;
using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

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
        var paths = new Argument<string[]>("PATH") { Description = "Image files, or directories with --recursive.", Arity = ArgumentArity.OneOrMore };
        var command = new Command(
            "scan",
            "Scan images: PDQ fingerprint and quality, and with --faces the faces found and their matches in enrolled face banks, with --nsfw\n" +
            "nudity scores. One line per image ('pdq,quality,faces,porn,path'), or JSON Lines with --json. Matching against PDQ hash banks is\n" +
            "not part of scan yet, so no 'matches' field is printed. Run 'haechi models pull' first.")
        {
            json,
            faces,
            nsfw,
            report,
            noBlur,
            threshold,
            jobs,
            recursive,
            paths,
        };
        command.SetAction(result =>
        {
            var dataDirectory = DataDirectoryOption.Resolve(result);
            var wantFaces = result.GetValue(faces);
            var wantNudity = result.GetValue(nsfw);
            IReadOnlyList<FaceBank> banks = [];
            VisionModels models;
            try
            {
                if (wantFaces)
                {
                    banks = LoadBanks(FileFaceBankStore.ForDataDirectory(dataDirectory));
                }

                models = VisionModels.Load(dataDirectory, wantFaces, wantFaces, wantNudity);
            }
            catch (Exception ex) when (ex is ModelConversionException or InvalidDataException)
            {
                console.Error.WriteLine("haechi: scan: " + ex.Message);
                return 1;
            }

            using (models)
            {
                if (models.Embedder is { } embedder)
                {
                    banks = [.. banks.Where(b => b.Model == embedder.ModelIdentity)];
                }

                var files = InputFiles.Expand(result.GetValue(paths) ?? [], result.GetValue(recursive));
                var output = new ScanOutput(result.GetValue(json), banks, result.GetValue(threshold));
                var collected = result.GetValue(report) is null ? null : new List<ScanReportItem>();
                var code = ScanRun.Execute(console, models, files, Math.Max(1, result.GetValue(jobs)), (file, scan) =>
                {
                    var matches = output.Match(scan);
                    collected?.Add(new ScanReportItem(file, scan, matches));
                    return output.Format(file, scan, matches);
                });
                if (result.GetValue(report) is { } reportPath && collected is not null)
                {
                    ScanReport.Write(reportPath, collected, reveal: result.GetValue(noBlur));
                    console.Error.WriteLine($"report: {reportPath}");
                }

                return code;
            }
        });
        return command;
    }

    private static List<FaceBank> LoadBanks(FileFaceBankStore store)
    {
        var banks = new List<FaceBank>();
        foreach (var name in store.List())
        {
            if (store.Load(name) is { } bank)
            {
                banks.Add(bank);
            }
        }

        return banks;
    }
}

/// <summary>Scans files on several threads and prints the lines in the order the files were given.</summary>
internal static class ScanRun
{
    public static int Execute(CliConsole console, VisionModels models, IReadOnlyList<InputFile> files, int jobs, Func<string, ScanResult, string> format)
    {
        var lines = new string?[files.Count];
        var done = new bool[files.Count];
        var gate = new Lock();
        var next = 0;
        var anyFailed = false;
        ImageDecoder.SetDecoderThreads(jobs > 1 ? 1 : 0);
        Parallel.For(
            0,
            files.Count,
            new ParallelOptions { MaxDegreeOfParallelism = jobs },
            models.NewScanner,
            (i, _, scanner) =>
            {
                var file = files[i];
                string line;
                var failed = false;
                if (file.Problem is { } problem)
                {
                    line = "haechi: " + file.Path + ": " + problem;
                    failed = true;
                }
                else
                {
                    try
                    {
                        var scan = scanner.Scan(ImageFingerprinter.ReadFile(file.Path, ImageDecodeOptions.DefaultMaxFileBytes));
                        lock (gate)
                        {
                            line = format(file.Path, scan);
                        }
                    }
                    catch (ImageDecodeException ex)
                    {
                        line = "haechi: " + file.Path + ": " + ex.Message;
                        failed = true;
                    }
                }

                lock (gate)
                {
                    lines[i] = (failed ? "!" : " ") + line;
                    anyFailed |= failed;
                    done[i] = true;
                    while (next < files.Count && done[next])
                    {
                        var text = lines[next]!;
                        (text[0] == '!' ? console.Error : console.Out).WriteLine(text[1..]);
                        lines[next] = null;
                        next++;
                    }
                }

                return scanner;
            },
            static _ => { });
        return anyFailed ? 1 : 0;
    }
}
