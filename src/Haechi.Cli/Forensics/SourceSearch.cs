using System.CommandLine;
using Haechi.Cli.Vision;
using Haechi.Core.Faces;
using Haechi.Core.Signals;
using Haechi.Data.Banks;
using Haechi.Media.Forensics.Sources;
using Haechi.Media.Models;
using Haechi.Media.Vision;
using Haechi.Pipeline.Matching;

namespace Haechi.Cli.Forensics;

/// <summary>
/// What <c>haechi analyze --sources/--bank</c> searches: the reference folder, the named banks
/// (through the one matcher, as every other caller matches) and every enrolled face (face banks of
/// the loaded embedding model), with the face models when they are pulled.
/// </summary>
internal sealed class SourceSearch : IAsyncDisposable
{
    private readonly VisionModels? _models;
    private readonly SourceMatcher _sourceMatcher;
    private readonly CliServices _services;
    private readonly Matcher _matcher;
    private readonly IReadOnlySet<string> _banks;
    private readonly IReadOnlyList<string> _files;
    private readonly IReadOnlyList<FaceBank> _faceBanks;

    private SourceSearch(VisionModels? models, SourceMatcher sourceMatcher, CliServices services, Matcher matcher, IReadOnlySet<string> banks, IReadOnlyList<string> files, IReadOnlyList<FaceBank> faceBanks)
    {
        _models = models;
        _sourceMatcher = sourceMatcher;
        _services = services;
        _matcher = matcher;
        _banks = banks;
        _files = files;
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

        var services = CliServices.Create(result);
        try
        {
            var banks = new HashSet<string>(StringComparer.Ordinal);
            var (db, store) = await FacesCommand.OpenAsync(console, services, cancellationToken).ConfigureAwait(false);
            await using (db.ConfigureAwait(false))
            {
                foreach (var name in bankNames)
                {
                    var bank = await store.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
                    if (bank.SignalType == SignalType.Pdq.Name)
                    {
                        banks.Add(name);
                    }
                    else if (bank.EmbeddingModel is null)
                    {
                        await console.Error.WriteLineAsync($"haechi analyze: bank '{name}' holds {bank.SignalType} signals; --bank takes PDQ banks (face banks are always searched).").ConfigureAwait(false);
                        models?.Dispose();
                        await services.DisposeAsync().ConfigureAwait(false);
                        return null;
                    }
                }
            }

            // The one matcher answers for the banks and holds the enrolled faces.
            var matcher = await services.MatcherAsync(console, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<FaceBank> faceBanks = models?.Embedder is { } embedder ? matcher.FaceBanks(embedder.ModelIdentity) : [];
            return new SourceSearch(models, new SourceMatcher(models?.Detector, models?.Embedder, options), services, matcher, banks, files, faceBanks);
        }
        catch (BankStoreException ex)
        {
            await console.Error.WriteLineAsync("haechi analyze: " + ex.Message).ConfigureAwait(false);
            models?.Dispose();
            await services.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The face detector, when the models are pulled.</summary>
    public FaceDetector? Detector => _models?.Detector;

    /// <summary>Searches for the originals of one suspect file (the file itself is left out of the references).</summary>
    public async Task<SourceMatchResult> MatchAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var self = Path.GetFullPath(path);
        var references = _files.Where(f => !string.Equals(Path.GetFullPath(f), self, StringComparison.Ordinal)).ToList();
        var bankMatches = await BankSourceSearch.FindAsync(_matcher, bytes, _banks, cancellationToken).ConfigureAwait(false);
        return _sourceMatcher.Match(bytes, references, bankMatches, _faceBanks);
    }

    public async ValueTask DisposeAsync()
    {
        _models?.Dispose();
        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
