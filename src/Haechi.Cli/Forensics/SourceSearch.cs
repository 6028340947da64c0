using System.CommandLine;
using Haechi.Cli.Vision;
using Haechi.Core.Faces;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Media.Forensics.Sources;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Cli.Forensics;

/// <summary>
/// What <c>haechi analyze --sources/--bank</c> searches: the reference folder, the PDQ entries of the
/// named banks and every enrolled face (face banks of the loaded embedding model), with the face models
/// when they are pulled.
/// </summary>
internal sealed class SourceSearch : IDisposable
{
    private readonly VisionModels? _models;
    private readonly SourceMatcher _matcher;
    private readonly IReadOnlyList<string> _files;
    private readonly IReadOnlyList<SourceBankEntry> _bankEntries;
    private readonly IReadOnlyList<FaceBank> _faceBanks;

    private SourceSearch(VisionModels? models, SourceMatcher matcher, IReadOnlyList<string> files, IReadOnlyList<SourceBankEntry> bankEntries, IReadOnlyList<FaceBank> faceBanks)
    {
        _models = models;
        _matcher = matcher;
        _files = files;
        _bankEntries = bankEntries;
        _faceBanks = faceBanks;
    }

    /// <summary>Loads the references; prints the problem and returns null when a bank or the folder cannot be used.</summary>
    public static async Task<SourceSearch?> OpenAsync(CliConsole console, ParseResult result, DirectoryInfo? folder, IReadOnlyList<string> bankNames, bool reveal, CancellationToken cancellationToken)
    {
        var options = new SourceMatchOptions { Reveal = reveal };
        IReadOnlyList<string> files = [];
        if (folder is not null)
        {
            if (!folder.Exists)
            {
                await console.Error.WriteLineAsync("haechi analyze: the sources folder does not exist: " + folder.FullName).ConfigureAwait(false);
                return null;
            }

            files = SourceMatcher.ListReferenceFiles(folder.FullName, options.MaxReferenceFiles);
        }

        VisionModels? models = null;
        try
        {
            models = VisionModels.Load(DataDirectoryOption.Resolve(result), VisionParts.Faces);
        }
        catch (ModelConversionException ex)
        {
            await console.Error.WriteLineAsync("haechi analyze: face models not available, so only PDQ signals are searched: " + ex.Message).ConfigureAwait(false);
        }

        try
        {
            var entries = new List<SourceBankEntry>();
            IReadOnlyList<FaceBank> faceBanks = [];
            var (db, store) = await FacesCommand.OpenAsync(console, result, cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                foreach (var name in bankNames)
                {
                    var bank = await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
                    if (bank.SignalType != SignalType.Pdq.Name)
                    {
                        if (bank.EmbeddingModel is null)
                        {
                            await console.Error.WriteLineAsync($"haechi analyze: bank '{name}' holds {bank.SignalType} signals; --bank takes PDQ banks (face banks are always searched).").ConfigureAwait(false);
                            models?.Dispose();
                            return null;
                        }

                        continue;
                    }

                    await foreach (var entry in store.ReadEntriesAsync(name, cancellationToken).ConfigureAwait(false))
                    {
                        entries.Add(new SourceBankEntry(entry.Bank, entry.Id, entry.ExternalId ?? string.Empty, entry.Signal));
                    }
                }

                if (models?.Embedder is { } embedder)
                {
                    faceBanks = await new BankSignalReader(store.Context).LoadFaceBanksAsync(embedder.ModelIdentity, null, cancellationToken).ConfigureAwait(false);
                }
            }

            return new SourceSearch(models, new SourceMatcher(models?.Detector, models?.Embedder, options), files, entries, faceBanks);
        }
        catch (BankStoreException ex)
        {
            await console.Error.WriteLineAsync("haechi analyze: " + ex.Message).ConfigureAwait(false);
            models?.Dispose();
            return null;
        }
    }

    /// <summary>The face detector, when the models are pulled.</summary>
    public FaceDetector? Detector => _models?.Detector;

    /// <summary>Searches for the originals of one suspect file (the file itself is left out of the references).</summary>
    public SourceMatchResult Match(string path, byte[] bytes)
    {
        var self = Path.GetFullPath(path);
        var references = _files.Where(f => !string.Equals(Path.GetFullPath(f), self, StringComparison.Ordinal)).ToList();
        return _matcher.Match(bytes, references, _bankEntries, _faceBanks);
    }

    public void Dispose() => _models?.Dispose();
}
