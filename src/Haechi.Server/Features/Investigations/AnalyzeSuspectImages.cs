using System.Globalization;
using Haechi.Core.Faces;
using Haechi.Core.Signals;
using Haechi.Data.Audit;
using Haechi.Data.Banks;
using Haechi.Media.Forensics;
using Haechi.Media.Forensics.Sources;
using Haechi.Media.Images;
using Haechi.Media.Vision;
using Haechi.Pipeline.Matching;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Investigations;

/// <summary>At most <see cref="InvestigationsOptions.MaxConcurrentAnalyses"/> analyses run at once; the rest wait, then are refused.</summary>
internal sealed class AnalysisSlots(IOptions<InvestigationsOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentAnalyses, options.Value.MaxConcurrentAnalyses);

    /// <summary>Free slots now.</summary>
    public int Available => _slots.CurrentCount;

    public Task<bool> WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(TimeSpan.FromSeconds(options.Value.QueueWaitSeconds), cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}

/// <summary>What an analysis request gave: the analysis, or the status and message to answer with.</summary>
internal sealed record AnalysisOutcome(Investigation? Investigation, int Status, string? Problem);

/// <summary>
/// Runs <see cref="ForensicAnalyzer"/> in memory on checked suspect images (every method of
/// <c>haechi analyze</c>), searches the chosen PDQ banks (through the one matcher) and the enrolled faces for the originals,
/// keeps the result in memory for its investigator and audits <c>investigation.analyzed</c> per file
/// (ids and hashes only). Reveal re-renders the source comparisons sharp and in colour, audited
/// <c>investigation.revealed</c>.
/// </summary>
internal sealed class AnalyzeSuspectImages(
    IOptions<InvestigationsOptions> options,
    VisionModels models,
    AnalysisSlots slots,
    InvestigationSessions sessions,
    BankStore banks,
    Matcher matcher,
    AuditLog audit,
    TimeProvider time)
{
    public async Task<AnalysisOutcome> ExecuteAsync(IReadOnlyList<CheckedUpload> files, IReadOnlyList<string> bankNames, bool searchSources, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(bankNames);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var chosenBanks = bankNames.Where(b => !string.IsNullOrWhiteSpace(b)).Distinct(StringComparer.Ordinal).ToList();
        searchSources |= chosenBanks.Count > 0;
        foreach (var name in chosenBanks)
        {
            try
            {
                var bank = await banks.GetBankAsync(name, cancellationToken).ConfigureAwait(false);
                if (bank.SignalType != SignalType.Pdq.Name)
                {
                    return new AnalysisOutcome(null, StatusCodes.Status400BadRequest, "Bank '" + name + "' does not hold PDQ hashes; choose PDQ banks (enrolled face banks are always searched).");
                }
            }
            catch (BankStoreException)
            {
                return new AnalysisOutcome(null, StatusCodes.Status400BadRequest, "There is no bank named '" + name + "'.");
            }
        }

        if (!await slots.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return new AnalysisOutcome(null, StatusCodes.Status503ServiceUnavailable, "Every analysis slot is busy. Try again in a minute.");
        }

        Investigation investigation;
        try
        {
            IReadOnlyList<FaceBank> faceBanks = [];
            if (searchSources && models.Embedder is { } embedder)
            {
                faceBanks = matcher.FaceBanks(embedder.ModelIdentity);
            }

            // The chosen banks are searched through the one matcher (same entries and strengths as every other caller).
            var bankSet = new HashSet<string>(chosenBanks, StringComparer.Ordinal);
            var bankMatches = new BankSourceMatches[files.Count];
            for (var i = 0; i < files.Count; i++)
            {
                try
                {
                    bankMatches[i] = searchSources ? await BankSourceSearch.FindAsync(matcher, files[i].Bytes, bankSet, cancellationToken).ConfigureAwait(false) : BankSourceMatches.None;
                }
                catch (ImageDecodeException)
                {
                    bankMatches[i] = BankSourceMatches.None;
                }
            }

            var side = options.Value.PreviewSide;
            var analysed = await Task.Run(() => Analyse(models, files, searchSources, bankMatches, faceBanks, side), cancellationToken).ConfigureAwait(false);
            investigation = new Investigation(Guid.NewGuid(), userId, time.GetUtcNow(), chosenBanks, searchSources, analysed)
            {
                FaceBanks = faceBanks,
            };
        }
        finally
        {
            slots.Release();
        }

        for (var i = 0; i < investigation.Files.Count; i++)
        {
            var report = investigation.Files[i].Shown;
            await audit.AppendAsync(
                "user:" + userId,
                "investigation.analyzed",
                "investigation:" + investigation.Id.ToString("N"),
                string.Create(CultureInfo.InvariantCulture, $"file={i + 1};sha256={report.Sha256};band={report.OverallBand};banks={chosenBanks.Count};candidates={report.SourceMatches?.Candidates.Count ?? 0}"),
                cancellationToken).ConfigureAwait(false);
        }

        sessions.Add(investigation);
        return new AnalysisOutcome(investigation, StatusCodes.Status200OK, null);
    }

    /// <summary>
    /// The reports as the investigator sees them after choosing to look: heatmaps as computed and the
    /// source comparisons re-rendered sharp and in colour. Audited before anything is returned.
    /// </summary>
    public async Task<IReadOnlyList<ForensicReport>?> RevealAsync(Investigation investigation, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(investigation);
        if (!await slots.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        List<ForensicReport> revealed;
        try
        {
            revealed = await Task.Run(
                () => investigation.Files.Select(f => investigation.SearchedSources
                    ? SourceMatchFinding.AddTo(f.Report, new SourceMatcher(models.Detector, models.Embedder, new SourceMatchOptions { Reveal = true }).Match(f.Bytes, [], f.BankMatches, investigation.FaceBanks))
                    : f.Report).ToList(),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        for (var i = 0; i < investigation.Files.Count; i++)
        {
            await audit.AppendAsync(
                "user:" + userId,
                "investigation.revealed",
                "investigation:" + investigation.Id.ToString("N"),
                string.Create(CultureInfo.InvariantCulture, $"file={i + 1};sha256={investigation.Files[i].Report.Sha256}"),
                cancellationToken).ConfigureAwait(false);
        }

        return revealed;
    }

    private static List<SuspectImage> Analyse(VisionModels loaded, IReadOnlyList<CheckedUpload> files, bool searchSources, BankSourceMatches[] bankMatches, IReadOnlyList<FaceBank> faceBanks, int previewSide)
    {
        var analyzer = new ForensicAnalyzer(faces: loaded.Detector, detectors: loaded.Deepfakes);
        var matcher = searchSources ? new SourceMatcher(loaded.Detector, loaded.Embedder, new SourceMatchOptions { Reveal = false }) : null;
        var analysed = new List<SuspectImage>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var report = analyzer.Analyze(file.Bytes);
            var shown = matcher is not null && report.Pdq is not null ? SourceMatchFinding.AddTo(report, matcher.Match(file.Bytes, [], bankMatches[i], faceBanks)) : report;
            analysed.Add(new SuspectImage(file.Name, file.Bytes, file.ContentType, report, ScanPreview.Jpeg(file.Bytes, previewSide, reveal: false)) { Shown = shown, BankMatches = bankMatches[i] });
        }

        return analysed;
    }
}
