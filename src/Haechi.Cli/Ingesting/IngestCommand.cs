using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Haechi.Core.Signals;
using Haechi.Data.Ingestion;
using Haechi.Media.Vision;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Ingesting;

/// <summary>
/// <c>haechi ingest add|run|status|retry|import</c>: the ingestion pipeline on the data directory,
/// the same queue the server's worker runs.
/// </summary>
internal static class IngestCommand
{
    /// <summary>Exit code when the queue refuses new items (EX_TEMPFAIL).</summary>
    public const int QueueFullExitCode = 75;

    public static Command Create(CliConsole console)
    {
        var command = new Command("ingest", "The durable ingestion pipeline: queue URLs and files, run the workers, see the queue's health.");
        command.Subcommands.Add(CreateAdd(console));
        command.Subcommands.Add(CreateRun(console));
        command.Subcommands.Add(CreateStatus(console));
        command.Subcommands.Add(CreateRetry(console));
        command.Subcommands.Add(ImportCommand.Create(console));
        command.Subcommands.Add(ImportCommand.CreateManifest(console));
        return command;
    }

    internal static Option<int> MaxPendingOption() =>
        new("--max-pending") { Description = "Refuse new items while more than this many are unfinished (back-pressure).", DefaultValueFactory = _ => IngestionOptions.Default.MaxPending };

    /// <summary>A source id for an item given on the command line: a digest of its URL or full path (never the URL itself in ids).</summary>
    internal static string SourceIdOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Command CreateAdd(CliConsole console)
    {
        var inputs = new Argument<string[]>("URL_OR_FILE") { Description = "http(s) URLs or files to queue.", Arity = ArgumentArity.OneOrMore };
        var sourceKind = new Option<string>("--source-kind") { Description = "Connector name recorded with the items.", DefaultValueFactory = _ => "cli" };
        var maxPending = MaxPendingOption();
        var command = new Command("add", "Queue URLs or files durably; prints 'accepted|already-queued ID' per input, or 'queue-full' (exit 75) under back-pressure.") { inputs, sourceKind, maxPending };
        command.SetAction(async (result, ct) =>
        {
            await using var services = CliServices.Create(result);
            var pipeline = await services.OpenPipelineAsync(IngestionOptions.Default with { MaxPending = Math.Max(1, result.GetValue(maxPending)) }, FetchOptions.Default, ct).ConfigureAwait(false);
            var kind = result.GetValue(sourceKind) ?? "cli";
            foreach (var input in result.GetValue(inputs) ?? [])
            {
                IngestRequest request;
                if (Uri.TryCreate(input, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
                {
                    request = new IngestRequest(kind, "url:" + SourceIdOf(url.AbsoluteUri), Url: url);
                }
                else if (File.Exists(input))
                {
                    var full = Path.GetFullPath(input);
                    request = new IngestRequest(kind, "file:" + SourceIdOf(full), FilePath: full);
                }
                else
                {
                    await console.Error.WriteLineAsync($"haechi: {input}: neither an http(s) URL nor a file").ConfigureAwait(false);
                    return 2;
                }

                var outcome = await pipeline.EnqueueAsync(request, ct).ConfigureAwait(false);
                switch (outcome.Status)
                {
                    case EnqueueStatus.QueueFull:
                        await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"haechi: queue-full: {outcome.Pending} items pending (limit {pipeline.Options.MaxPending}); run 'haechi ingest run' and try again")).ConfigureAwait(false);
                        return QueueFullExitCode;
                    case EnqueueStatus.AlreadyQueued:
                        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"already-queued\t{outcome.ItemId}")).ConfigureAwait(false);
                        break;
                    default:
                        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"accepted\t{outcome.ItemId}")).ConfigureAwait(false);
                        break;
                }
            }

            return 0;
        });
        return command;
    }

    private static Command CreateRun(CliConsole console)
    {
        var untilIdle = new Option<bool>("--until-idle") { Description = "Exit when no item is left to process (default: keep polling until stopped)." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Items processed at once.", DefaultValueFactory = _ => IngestionOptions.Default.Concurrency };
        var lease = new Option<double>("--lease") { Description = "Seconds a claimed item stays with this worker (a killed worker's items return after it).", DefaultValueFactory = _ => IngestionOptions.Default.Lease.TotalSeconds };
        var retryDelay = new Option<double>("--retry-delay") { Description = "Seconds before a failed attempt is tried again.", DefaultValueFactory = _ => IngestionOptions.Default.RetryDelay.TotalSeconds };
        var attempts = new Option<int>("--max-attempts") { Description = "Failed attempts at one step before the item is marked failed.", DefaultValueFactory = _ => IngestionOptions.Default.MaxAttempts };
        var allowPrivate = new Option<bool>("--allow-private") { Description = "Permit loopback and private addresses (for tests; off by default)." };
        var radius = new Option<int>("--radius") { Description = "Largest PDQ Hamming distance that matches (inclusive).", DefaultValueFactory = _ => SignalType.Pdq.DefaultRadius };
        var batch = new Option<int>("--batch") { Description = "Items claimed and committed together (group commit).", DefaultValueFactory = _ => IngestionOptions.Default.BatchSize };
        var noVision = new Option<bool>("--no-vision") { Description = "Leave faces and nudity off even when the models are installed." };
        var queueNudity = new Option<double>("--queue-nudity-above") { Description = "Explicit score (0..1, porn + hentai of the nudity classifier) above which an item that matched nothing still goes to review (signal nudity, below every match); 1 queues none.", DefaultValueFactory = _ => IngestionOptions.DefaultQueueNudityAbove };
        var videoFrames = new Option<int>("--video-frames") { Description = "Most frames of one video that go through the face and nudity models (spread over the video).", DefaultValueFactory = _ => IngestionOptions.Default.VideoVisionFrames };
        var command = new Command("run", "Run the pipeline's workers on the data directory: fetch, seal, de-duplicate, fingerprint, match banks, faces (enrolled victims) and nudity when the models are installed (videos on sampled frames), and send matches, and unmatched items over the explicit-nudity threshold, to the review queue.")
        {
            untilIdle, jobs, lease, retryDelay, attempts, allowPrivate, radius, batch, noVision, queueNudity, videoFrames,
        };
        command.SetAction(async (result, ct) =>
        {
            var options = IngestionOptions.Default with
            {
                Concurrency = Math.Clamp(result.GetValue(jobs), 1, 64),
                Lease = TimeSpan.FromSeconds(Math.Max(0.1, result.GetValue(lease))),
                RetryDelay = TimeSpan.FromSeconds(Math.Max(0, result.GetValue(retryDelay))),
                MaxAttempts = Math.Max(1, result.GetValue(attempts)),
                PollInterval = TimeSpan.FromMilliseconds(200),
                Filter = MatchFilter.Default with { Radius = result.GetValue(radius) },
                BatchSize = Math.Clamp(result.GetValue(batch), 1, 1000),
                QueueNudityAbove = Math.Clamp(result.GetValue(queueNudity), 0, 1),
                VideoVisionFrames = Math.Clamp(result.GetValue(videoFrames), 1, 64),
            };
            using var models = new VisionModels(DataDirectoryOption.Resolve(result), result.GetValue(noVision) ? VisionParts.None : VisionParts.Faces | VisionParts.FaceAge | VisionParts.Nudity);
            await using var services = CliServices.Create(result);
            var pipeline = await services.OpenPipelineAsync(options, FetchOptions.Default with { AllowPrivateAddresses = result.GetValue(allowPrivate) }, ct, new IngestVision(models)).ConfigureAwait(false);
            try
            {
                var finished = await pipeline.RunAsync(result.GetValue(untilIdle), ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"finished\t{finished}")).ConfigureAwait(false);
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
        });
        return command;
    }

    private static Command CreateStatus(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object." };
        var command = new Command("status", "Items per state, failures per error code, duplicates, items sent to review, and whether faces and nudity are on.") { json };
        command.SetAction(async (result, ct) =>
        {
            using var models = new VisionModels(DataDirectoryOption.Resolve(result), VisionParts.Faces | VisionParts.FaceAge | VisionParts.Nudity);
            await using var services = CliServices.Create(result);
            var pipeline = await services.OpenPipelineAsync(IngestionOptions.Default, FetchOptions.Default, ct, new IngestVision(models)).ConfigureAwait(false);
            var status = await pipeline.GetStatusAsync(ct).ConfigureAwait(false);
            await console.Out.WriteLineAsync(result.GetValue(json) ? Json(status) : Text(status)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateRetry(CliConsole console)
    {
        var ids = new Argument<long[]>("ID") { Description = "Failed items to put back where they failed.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("retry", "Put failed items back in the queue at the step that failed.") { ids };
        command.SetAction(async (result, ct) =>
        {
            await using var services = CliServices.Create(result);
            var pipeline = await services.OpenPipelineAsync(IngestionOptions.Default, FetchOptions.Default, ct).ConfigureAwait(false);
            var code = 0;
            foreach (var id in result.GetValue(ids) ?? [])
            {
                var retried = await pipeline.RetryAsync(id, ct).ConfigureAwait(false);
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{(retried ? "retried" : "not-failed")}\t{id}")).ConfigureAwait(false);
                code = retried ? code : 1;
            }

            return code;
        });
        return command;
    }

    private static string StateName(IngestState state) => state.ToString().ToLowerInvariant();

    private static string Text(IngestStatus status)
    {
        var text = new StringBuilder();
        foreach (var (state, count) in status.ByState)
        {
            text.Append(CultureInfo.InvariantCulture, $"{StateName(state)}\t{count}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"duplicates\t{status.Duplicates}\n");
        text.Append(CultureInfo.InvariantCulture, $"sent-to-review\t{status.SentToReview}\n");
        foreach (var (error, count) in status.FailuresByError)
        {
            text.Append(CultureInfo.InvariantCulture, $"failed:{error}\t{count}\n");
        }

        var vision = status.Vision ?? VisionStatus.Off;
        text.Append(CultureInfo.InvariantCulture, $"faces\t{Switch(vision.Faces)}\n");
        text.Append(CultureInfo.InvariantCulture, $"nudity\t{Switch(vision.Nudity)}\n");
        text.Append(CultureInfo.InvariantCulture, $"face-ages\t{Switch(vision.Ages)}\n");
        text.Append(CultureInfo.InvariantCulture, $"face-banks\t{status.FaceBanks}\n");
        text.Append(CultureInfo.InvariantCulture, $"face-matches\t{status.FaceMatches}\n");
        text.Append(CultureInfo.InvariantCulture, $"nudity-scored\t{status.NudityScored}\n");
        text.Append(CultureInfo.InvariantCulture, $"possible-minors\t{status.PossibleMinors}\n");
        text.Append(CultureInfo.InvariantCulture, $"health\t{status.Health} ({status.Pending} pending, limit {status.MaxPending})");
        return text.ToString();
    }

    // "on", or "off (why)": the status never pretends a part runs.
    private static string Switch(string state) => state == "on" ? "on" : state == "off" ? "off" : $"off ({state})";

    private static string Json(IngestStatus status)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("states");
            foreach (var (state, count) in status.ByState)
            {
                writer.WriteNumber(StateName(state), count);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("failures");
            foreach (var (error, count) in status.FailuresByError)
            {
                writer.WriteNumber(error, count);
            }

            writer.WriteEndObject();
            writer.WriteNumber("duplicates", status.Duplicates);
            writer.WriteNumber("sent_to_review", status.SentToReview);
            writer.WriteNumber("pending", status.Pending);
            writer.WriteNumber("max_pending", status.MaxPending);
            writer.WriteString("health", status.Health);
            var vision = status.Vision ?? VisionStatus.Off;
            writer.WriteString("faces", Switch(vision.Faces));
            writer.WriteString("nudity", Switch(vision.Nudity));
            writer.WriteString("face_ages", Switch(vision.Ages));
            writer.WriteNumber("face_banks", status.FaceBanks);
            writer.WriteNumber("face_matches", status.FaceMatches);
            writer.WriteNumber("nudity_scored", status.NudityScored);
            writer.WriteNumber("possible_minors", status.PossibleMinors);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
