using System.CommandLine;
using System.Globalization;
using Haechi.Core.Forensics;
using Haechi.Media.Forensics;
using Haechi.Media.Forensics.Detectors;
using Haechi.Media.Forensics.Sources;
using Haechi.Media.Images;
using Haechi.Media.Vision;

namespace Haechi.Cli.Forensics;

/// <summary><c>haechi analyze</c>: provenance, metadata, structure and C2PA findings for image files.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliConsole console)
    {
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object per file (JSON Lines) with sha256, md5, pdq and findings [{method, band, summary, limits, details}].",
        };
        var report = new Option<FileInfo?>("--report")
        {
            Description = "Also write a self-contained HTML report for reviewers to this file.",
        };
        var pdf = new Option<FileInfo?>("--pdf")
        {
            Description = "Also print the report to this PDF file with headless Chromium (HAECHI_CHROMIUM, default /usr/bin/chromium).",
        };
        var trustAnchors = new Option<DirectoryInfo?>("--trust-anchors")
        {
            Description = "Folder of trusted root certificates (.pem, .crt, .cer, .der) for C2PA signers; without it the signer's identity is not checked. Revocation is never checked.",
        };
        var sources = new Option<DirectoryInfo?>("--sources")
        {
            Description = "Search this folder (and its subfolders) for the original(s) of each file: whole-picture PDQ (also rotated/mirrored), PDQ outside the faces, face similarity; the best originals are aligned and the changed area shown. Enrolled faces (face banks) are searched too.",
        };
        var banks = new Option<string[]>("--bank")
        {
            Description = "Also search this PDQ bank for the original (repeatable), through the same matcher as 'haechi match' (PDQ with rotations and mirrors, the views and keypoints the bank keeps; same entries and strengths); enrolled faces are searched whenever --sources or --bank is given.",
        };
        var reveal = new Option<bool>("--reveal")
        {
            Description = "Show the source-match side-by-side in colour and sharp (default: grey and blurred, as in the review queue).",
        };
        var paths = new Argument<string[]>("FILE")
        {
            Description = "Image files (JPEG, PNG, and any other format libvips reads for hashing).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command(
            "analyze",
            "Look for evidence of generation or manipulation: generator metadata (A1111, ComfyUI, InvokeAI, NovelAI), " +
            "hidden alpha payloads, IPTC digital source type, edit traces, JPEG quantisation, JPEG grid, PNG structure, C2PA content credentials, " +
            "face consistency and pluggable deepfake detectors when the models are pulled.\n" +
            "Each finding has a band: \"" + EvidenceBandText.StrongEvidenceOfManipulation + "\", \"" + EvidenceBandText.Inconclusive + "\" or \"" +
            EvidenceBandText.NoEvidenceFound + "\". No band means authentic: nothing here can prove that.")
        {
            json,
            report,
            pdf,
            trustAnchors,
            sources,
            banks,
            reveal,
            paths,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var sourceFolder = result.GetValue(sources);
            var bankNames = result.GetValue(banks) ?? [];
            SourceSearch? search = null;
            if (sourceFolder is not null || bankNames.Length > 0)
            {
                search = await SourceSearch.OpenAsync(console, result, sourceFolder, bankNames, result.GetValue(reveal), cancellationToken).ConfigureAwait(false);
                if (search is null)
                {
                    return 2;
                }
            }

            // The face detector for face-consistency: the source search's, or loaded here when the models are pulled (else that check is skipped);
            // and the agency's pluggable detectors: a refused one is reported and the analysis goes on without it.
            using var vision = new VisionModels(DataDirectoryOption.Resolve(result), VisionParts.FaceDetector | VisionParts.DeepfakeDetectors);
            var detectors = vision.Deepfakes!;
            foreach (var refused in detectors.Statuses.Where(s => !s.IsReady))
            {
                await console.Error.WriteLineAsync("haechi analyze: detector '" + refused.Name + "' refused: " + refused.Problem).ConfigureAwait(false);
            }

            await using (search)
            {
                return await RunAsync(console, result.GetValue(paths) ?? [], result.GetValue(json), result.GetValue(report), TimeProvider.System, result.GetValue(trustAnchors), result.GetValue(pdf), cancellationToken, search, search?.Detector ?? vision.Detector, detectors).ConfigureAwait(false);
            }
        });
        return command;
    }

    internal static async Task<int> RunAsync(CliConsole console, IReadOnlyList<string> files, bool json, FileInfo? reportFile, TimeProvider time, DirectoryInfo? trustAnchors, FileInfo? pdfFile, CancellationToken cancellationToken, SourceSearch? search = null, FaceDetector? faces = null, DeepfakeDetectorSet? detectors = null)
    {
        var (exit, analysed) = await AnalyseAsync(console, files, json, reportFile, time, trustAnchors, search, faces, detectors, cancellationToken).ConfigureAwait(false);
        if (pdfFile is null || exit > 1)
        {
            return exit;
        }

        var problem = await PdfPrinter.PrintAsync(ForensicReportHtml.Render(analysed, time.GetUtcNow()), pdfFile.FullName, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            await console.Error.WriteLineAsync("haechi analyze: cannot print the PDF: " + problem).ConfigureAwait(false);
            return 1;
        }

        return exit;
    }

    private static async Task<(int Exit, List<(string Path, ForensicReport Report)> Analysed)> AnalyseAsync(CliConsole console, IReadOnlyList<string> files, bool json, FileInfo? reportFile, TimeProvider time, DirectoryInfo? trustAnchors, SourceSearch? search, FaceDetector? faces, DeepfakeDetectorSet? detectors, CancellationToken cancellationToken)
    {
        C2paTrustAnchors? trust = null;
        if (trustAnchors is not null)
        {
            try
            {
                trust = C2paTrustAnchors.Load(trustAnchors.FullName, time.GetUtcNow());
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"haechi analyze: cannot read the trust anchors: {ex.Message}").ConfigureAwait(false);
                return (2, []);
            }
        }

        var analyzer = new ForensicAnalyzer(trust: trust, faces: faces, detectors: detectors);
        var analysed = new List<(string Path, ForensicReport Report)>();
        var exit = 0;
        foreach (var path in files)
        {
            ForensicReport report;
            try
            {
                var bytes = ImageFingerprinter.ReadFile(path, ImageDecodeOptions.Default.MaxFileBytes);
                report = analyzer.Analyze(bytes);
                if (search is not null && report.Pdq is not null)
                {
                    report = SourceMatchFinding.AddTo(report, await search.MatchAsync(path, bytes, cancellationToken).ConfigureAwait(false));
                }
            }
            catch (ImageDecodeException ex)
            {
                await console.Error.WriteLineAsync($"haechi analyze: {path}: {ex.Message}").ConfigureAwait(false);
                exit = 1;
                continue;
            }

            analysed.Add((path, report));
            if (json)
            {
                WriteJson(console.Out, path, report);
            }
            else
            {
                WriteText(console.Out, path, report);
            }
        }

        if (reportFile is not null)
        {
            try
            {
                await File.WriteAllTextAsync(reportFile.FullName, ForensicReportHtml.Render(analysed, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await console.Error.WriteLineAsync($"haechi analyze: cannot write the report: {ex.Message}").ConfigureAwait(false);
                return (1, analysed);
            }
        }

        return (exit, analysed);
    }

    private static void WriteText(TextWriter output, string path, ForensicReport report)
    {
        output.WriteLine(path);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sha256 {report.Sha256}  pdq {report.Pdq ?? "-"} (quality {report.PdqQuality?.ToString(CultureInfo.InvariantCulture) ?? "-"})"));
        output.WriteLine("  overall: " + report.OverallBand.ToText());
        foreach (var finding in report.Findings)
        {
            output.WriteLine($"  [{finding.Band.ToText()}] {finding.Method}: {finding.Summary}");
        }

        if (report.SourceMatches is { } matches)
        {
            foreach (var candidate in matches.Candidates)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  source {candidate.Kind} {candidate.Reference}: {SourceMatchFinding.SignalText(candidate.Best.Signal)} ({SourceMatchFinding.Value(candidate.Best)}), strength {candidate.Strength:F2}"));
            }
        }
    }

    internal static void WriteJson(TextWriter output, string path, ForensicReport report) => output.WriteLine(ForensicReportJson.ToJson(path, report));
}
