using System.Globalization;
using Haechi.Data.Audit;
using Haechi.Pipeline.Ingestion;
using Haechi.Server.Data;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Ingestion;

/// <summary>One file of an upload: its name hash, size, and <c>queued</c>, <c>queue-full</c> or why it was refused.</summary>
internal sealed record ImportedFileView(string NameHash, long Length, string Status, long? ItemId);

/// <summary>
/// What an upload did: the batch, counts, each file, or an error code for the whole upload
/// (<c>not-a-zip</c>, <c>upload-too-large</c>, <c>damaged-archive</c>, <c>empty</c>).
/// </summary>
internal sealed record ImportOutcome(string? Batch, int Queued, int Refused, IReadOnlyList<ImportedFileView> Files, string? Error);

/// <summary>
/// The upload form's import of seized files (a zip archive): the same code as <c>haechi ingest import</c>
/// (<see cref="SeizedFileImport"/>: path traversal, size, ratio and total caps, numbered names), stored
/// under the data directory's <c>imports/BATCH</c>, each file queued as source kind <c>import</c>. Audited
/// with counts only.
/// </summary>
internal sealed class ImportSeizedFiles(IIngestionPipeline pipeline, DataDirectory data, AuditLog audit, IOptions<IngestionServerOptions> options, TimeProvider time)
{
    public async Task<ImportOutcome> ExecuteAsync(Stream upload, string? fileName, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (fileName is null || !fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            return new ImportOutcome(null, 0, 0, [], "not-a-zip");
        }

        var o = options.Value;
        var batch = SeizedFileImport.NewBatchId(time);
        var imports = Path.Combine(data.Path, "imports");
        Directory.CreateDirectory(imports);
        var archive = Path.Combine(imports, batch + ".zip");
        List<ImportedFile> files;
        try
        {
            await using (var output = new FileStream(archive, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await upload.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > o.MaxUploadBytes)
                    {
                        return new ImportOutcome(null, 0, 0, [], "upload-too-large");
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            var caps = ImportCaps.Default with { MaxTotalBytes = o.MaxImportBytes };
            files = SeizedFileImport.Unpack(archive, Path.Combine(imports, batch), caps);
        }
        catch (InvalidDataException)
        {
            return new ImportOutcome(null, 0, 0, [], "damaged-archive");
        }
        finally
        {
            File.Delete(archive);
        }

        if (files.Count == 0)
        {
            return new ImportOutcome(null, 0, 0, [], "empty");
        }

        var views = new List<ImportedFileView>(files.Count);
        int queued = 0, refused = 0;
        foreach (var file in files)
        {
            if (file.Refusal is { } refusal)
            {
                refused++;
                views.Add(new ImportedFileView(file.NameHash, file.Length, refusal, null));
                continue;
            }

            var outcome = await pipeline.EnqueueAsync(new IngestRequest(SeizedFileImport.SourceKind, SeizedFileImport.SourceId(batch, file.NameHash), FilePath: file.Path), cancellationToken).ConfigureAwait(false);
            if (outcome.Status == EnqueueStatus.QueueFull)
            {
                refused++;
                views.Add(new ImportedFileView(file.NameHash, file.Length, "queue-full", null));
            }
            else
            {
                queued++;
                views.Add(new ImportedFileView(file.NameHash, file.Length, "queued", outcome.ItemId));
            }
        }

        await audit.AppendAsync("user:" + userId, "ingest.imported", "import:" + batch, string.Create(CultureInfo.InvariantCulture, $"queued={queued} refused={refused}"), cancellationToken).ConfigureAwait(false);
        return new ImportOutcome(batch, queued, refused, views, null);
    }
}
