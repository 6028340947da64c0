using System.CommandLine;
using System.Globalization;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Ingestion;
using Microsoft.EntityFrameworkCore;

namespace Haechi.Cli.Ingesting;

/// <summary>
/// <c>haechi ingest import DIR|FILE.zip</c>: an analyst's import of seized files. Each file becomes
/// an ingestion item of source kind <c>import</c> whose source id is <c>import:BATCH:NAMEHASH</c>;
/// those items are the batch's manifest (name hash, size, SHA-256 once fetched, state), printed by
/// <c>haechi ingest manifest BATCH</c>. Archives are unpacked into <c>DATA/imports/BATCH</c> under
/// caps (entries, bytes per file and in all, compression ratio) and entries whose names leave the
/// folder are refused; the pipeline deletes an unpacked copy once its bytes are sealed.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The source kind of imported items.</summary>
    public const string SourceKind = SeizedFileImport.SourceKind;

    public static Command Create(CliConsole console)
    {
        var path = new Argument<string>("DIR_OR_ZIP") { Description = "A folder (read recursively) or a .zip archive." };
        var maxFiles = new Option<int>("--max-files") { Description = "Most files taken from one import.", DefaultValueFactory = _ => 10_000 };
        var maxFileBytes = new Option<long>("--max-file-bytes") { Description = "Largest file taken, in bytes.", DefaultValueFactory = _ => IngestionOptions.Default.MaxFileBytes };
        var maxTotalBytes = new Option<long>("--max-total-bytes") { Description = "Most bytes unpacked from one archive.", DefaultValueFactory = _ => 4L * 1024 * 1024 * 1024 };
        var maxRatio = new Option<int>("--max-ratio") { Description = "Largest compression ratio of an archive entry (higher: a likely zip bomb).", DefaultValueFactory = _ => 100 };
        var maxPending = IngestCommand.MaxPendingOption();
        var command = new Command(
            "import",
            "Import seized files from a folder or a zip: prints 'name-hash<TAB>bytes<TAB>status<TAB>item' per file and the batch id; refused entries say why (path-traversal, too-large, zip-bomb...).")
        {
            path, maxFiles, maxFileBytes, maxTotalBytes, maxRatio, maxPending,
        };
        command.SetAction(async (result, ct) =>
        {
            var input = Path.GetFullPath(result.GetValue(path)!);
            var caps = new ImportCaps(Math.Max(1, result.GetValue(maxFiles)), Math.Max(1, result.GetValue(maxFileBytes)), Math.Max(1, result.GetValue(maxTotalBytes)), Math.Max(1, result.GetValue(maxRatio)));
            await using var services = CliServices.Create(result);
            var pipeline = await services.OpenPipelineAsync(IngestionOptions.Default with { MaxPending = Math.Max(1, result.GetValue(maxPending)) }, FetchOptions.Default, ct).ConfigureAwait(false);
            var batch = SeizedFileImport.NewBatchId(TimeProvider.System);
            List<ImportedFile> files;
            if (Directory.Exists(input))
            {
                files = SeizedFileImport.ListFolder(input, caps);
            }
            else if (File.Exists(input) && input.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    files = SeizedFileImport.Unpack(input, Path.Combine(services.Location.DataDirectory, "imports", batch), caps);
                }
                catch (InvalidDataException)
                {
                    await console.Error.WriteLineAsync("haechi: the archive is damaged or not a zip").ConfigureAwait(false);
                    return 1;
                }
            }
            else
            {
                await console.Error.WriteLineAsync($"haechi: {input}: neither a folder nor a .zip file").ConfigureAwait(false);
                return 2;
            }

            int queued = 0, refused = 0;
            foreach (var file in files)
            {
                var status = file.Refusal;
                long? id = null;
                if (status is null)
                {
                    var outcome = await pipeline.EnqueueAsync(new IngestRequest(SourceKind, SeizedFileImport.SourceId(batch, file.NameHash), FilePath: file.Path), ct).ConfigureAwait(false);
                    status = outcome.Status == EnqueueStatus.QueueFull ? "queue-full" : "queued";
                    id = outcome.ItemId;
                }

                if (id is null)
                {
                    refused++;
                }
                else
                {
                    queued++;
                }

                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{file.NameHash}\t{file.Length}\t{status}\t{id}")).ConfigureAwait(false);
            }

            await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"batch\t{batch}\t{queued} queued\t{refused} refused")).ConfigureAwait(false);
            return refused == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary><c>haechi ingest manifest BATCH</c>: the items of one import with their fingerprints and states.</summary>
    public static Command CreateManifest(CliConsole console)
    {
        var batch = new Argument<string>("BATCH") { Description = "The batch id printed by 'haechi ingest import'." };
        var command = new Command("manifest", "Print an import's manifest: 'name-hash<TAB>bytes<TAB>sha256<TAB>state<TAB>error' per file.") { batch };
        command.SetAction(async (result, ct) =>
        {
            await using var services = CliServices.Create(result);
            await using var db = await services.OpenStoreAsync(ct).ConfigureAwait(false);
            var prefix = $"import:{result.GetValue(batch)}:";
            var items = await db.IngestItems.AsNoTracking().Where(i => i.SourceKind == SourceKind && i.SourceId.StartsWith(prefix))
                .OrderBy(i => i.Id).ToListAsync(ct).ConfigureAwait(false);
            foreach (var item in items)
            {
                var sha = item.Sha256 is null ? "-" : Convert.ToHexStringLower(item.Sha256);
                var state = item.DuplicateOf is not null ? "duplicate" : item.State.ToString().ToLowerInvariant();
                await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{item.SourceId[prefix.Length..]}\t{item.Length}\t{sha}\t{state}\t{item.LastError ?? "-"}")).ConfigureAwait(false);
            }

            return items.Count == 0 ? 1 : 0;
        });
        return command;
    }
}
