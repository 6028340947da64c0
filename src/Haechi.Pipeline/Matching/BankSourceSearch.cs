using System.Globalization;
using Haechi.Core.Signals;
using Haechi.Media.Forensics.Sources;
using Haechi.Media.Images;

namespace Haechi.Pipeline.Matching;

/// <summary>
/// The bank side of a forensic source search: the suspect picture fingerprinted and matched through
/// the one <see cref="Matcher"/> (PDQ with its rotations and mirrors, the views banks keep, local
/// features), each matched entry turned into a <see cref="SourceKinds.Bank"/> candidate with the
/// matcher's strength. <c>haechi analyze --bank</c> and the investigator's page both use it, so a
/// suspect gets the same entries and strengths there as in a report, ingestion, <c>match</c> or <c>scan</c>.
/// </summary>
public static class BankSourceSearch
{
    /// <summary>Matches <paramref name="suspect"/> against <paramref name="banks"/> (none: nothing searched).</summary>
    /// <exception cref="ImageDecodeException">The picture cannot be decoded.</exception>
    public static async Task<BankSourceMatches> FindAsync(Matcher matcher, byte[] suspect, IReadOnlySet<string> banks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentNullException.ThrowIfNull(suspect);
        ArgumentNullException.ThrowIfNull(banks);
        if (banks.Count == 0)
        {
            return BankSourceMatches.None;
        }

        await matcher.EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        var fingerprint = matcher.Fingerprinter().Fingerprint(suspect, matcher.QueryParts);
        var matches = await matcher.MatchImageAsync(fingerprint, MatchFilter.Default with { Banks = banks }, cancellationToken).ConfigureAwait(false);
        var candidates = new List<SourceCandidate>(matches.Count);
        foreach (var match in matches)
        {
            candidates.Add(ToCandidate(match));
        }

        return new BankSourceMatches(candidates, await matcher.CountActiveEntriesAsync(banks, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>One matched entry as a source candidate: <c>BANK #id (external id)</c> with the signal, score, threshold and strength the matcher gave.</summary>
    public static SourceCandidate ToCandidate(ImageBankMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var entry = match.Entry;
        var name = string.Create(CultureInfo.InvariantCulture, $"{entry.Bank} #{entry.Id}") + (string.IsNullOrEmpty(entry.ExternalId) ? string.Empty : " (" + entry.ExternalId + ")");
        SourceEvidence evidence;
        if (match.SignalType == SignalType.Local && match.Local is { } local)
        {
            evidence = new SourceEvidence(SourceSignals.LocalFeatures, Math.Round(local.Log10Nfa, 1), match.Threshold, match.Strength, string.Create(CultureInfo.InvariantCulture, $"{local.Inliers} agreeing keypoints (log10 NFA {local.Log10Nfa:0.0})"));
        }
        else if (match.SignalType == SignalType.PdqView)
        {
            evidence = new SourceEvidence(SourceSignals.PdqView, match.Distance, match.Threshold, match.Strength, match.MatchedBy + " view " + match.Transform);
        }
        else if (match.MatchedBy == "dihedral")
        {
            evidence = new SourceEvidence(SourceSignals.DihedralPdq, match.Distance, match.Threshold, match.Strength, "suspect " + match.Transform);
        }
        else
        {
            evidence = new SourceEvidence(SourceSignals.WholeImagePdq, match.Distance, match.Threshold, match.Strength, "as it is");
        }

        return new SourceCandidate(SourceKinds.Bank, name, [evidence]);
    }
}
