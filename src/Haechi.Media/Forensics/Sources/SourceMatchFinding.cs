using System.Globalization;
using System.Text;
using Haechi.Core.Forensics;

namespace Haechi.Media.Forensics.Sources;

/// <summary>Turns a source-matching result into the <c>source-match</c> finding of a report.</summary>
public static class SourceMatchFinding
{
    /// <summary>What source matching cannot show (printed next to the finding).</summary>
    public const string Limits = "Finds an original only if it is in the folder, a bank or the enrolled faces. A PDQ match means the same photo (resized, re-encoded or lightly edited); a face-embedding match means a similar-looking face, not the same photo and not proof of identity. The difference image shows where the pictures differ after alignment; re-encoding, filters, text overlays and cropping also change areas, so read the changed area against the two pictures.";

    /// <summary>The report with the source-match finding, its difference maps and the result added.</summary>
    public static ForensicReport AddTo(ForensicReport report, SourceMatchResult result)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(result);
        var findings = new List<ForensicFinding>(report.Findings) { Create(result) };
        var maps = new List<ForensicMap>(report.Maps);
        maps.AddRange(result.Comparisons.Select(c => c.DifferenceMap));
        return report with { Findings = findings, Maps = maps, SourceMatches = result };
    }

    /// <summary>The finding.</summary>
    public static ForensicFinding Create(SourceMatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var searched = Invariant($"{result.FilesSearched} reference picture(s), {result.BankEntriesSearched} bank hash(es), {result.EnrolledFacesSearched} enrolled face(s)");
        var details = new List<KeyValuePair<string, string>>
        {
            new("searched", searched),
            new("faces in the suspect", result.SuspectFaces is { } faces ? faces.ToString(CultureInfo.InvariantCulture) : "not detected (no face model)"),
        };
        for (var i = 0; i < result.Candidates.Count; i++)
        {
            var candidate = result.Candidates[i];
            details.Add(new(Invariant($"candidate {i + 1} ({candidate.Kind})"), candidate.Reference + ": " + Describe(candidate)));
        }

        foreach (var comparison in result.Comparisons)
        {
            details.Add(new("compared with " + Path.GetFileName(comparison.Candidate.Reference), DescribeChange(comparison)));
        }

        details.AddRange(result.Notes.Select(n => new KeyValuePair<string, string>("note", n)));
        if (result.Candidates.Count == 0)
        {
            return new ForensicFinding("source-match", EvidenceBand.NoEvidenceFound, "No original was found among " + searched + ".", Limits, details);
        }

        var best = result.Candidates[0];
        var summary = new StringBuilder();
        // Lead with the same-photo signal when there is one: "matched by face similarity" undersells a photo match.
        var lead = best.Evidence.FirstOrDefault(e => e.Matched && SourceSignals.IsPhotoSignal(e.Signal)) ?? best.Best;
        summary.Append(CultureInfo.InvariantCulture, $"{result.Candidates.Count} possible original(s) found. Best: {Name(best)}, matched by {SignalText(lead.Signal)} ({Value(lead)}).");
        var band = EvidenceBand.Inconclusive;
        if (result.Comparisons.Count > 0)
        {
            var comparison = result.Comparisons[0];
            summary.Append(' ').Append(DescribeChange(comparison));
            if (comparison.Change.ChangedCells > 0)
            {
                band = EvidenceBand.StrongEvidenceOfManipulation;
            }
            else
            {
                band = EvidenceBand.NoEvidenceFound;
            }
        }
        else if (best.Best.Signal == SourceSignals.FaceEmbedding)
        {
            summary.Append(" Only the face matched: the rest of the picture comes from elsewhere (a face swap puts a known face into another photo), or it is another photo of the same person.");
        }

        return new ForensicFinding("source-match", band, summary.ToString(), Limits, details);
    }

    /// <summary>One sentence on what changed.</summary>
    public static string DescribeChange(SourceComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var change = comparison.Change;
        var aligned = "Aligned by " + comparison.Alignment + ".";
        if (change.ChangedCells == 0)
        {
            return aligned + Invariant($" No area differs beyond re-encoding noise (threshold {change.Threshold:F0} grey levels): the suspect is a copy of this original (resized, re-encoded or recoloured at most).");
        }

        var where = comparison.ChangeOnFaces switch
        {
            true => " Most of the changed area lies on a face detected in the suspect: consistent with a face swap.",
            false => " Most of the changed area lies outside the faces (body or background): consistent with a replaced body (\"nudify\") or other retouching.",
            null => string.Empty,
        };
        return aligned + Invariant($" {change.ChangedFraction:P0} of the picture differs from the original beyond re-encoding noise (more than {change.Threshold:F0} grey levels per area), marked red in the side-by-side.") + where;
    }

    private static string Describe(SourceCandidate candidate)
    {
        var parts = new List<string>(candidate.Evidence.Count);
        foreach (var e in candidate.Evidence)
        {
            parts.Add(SignalText(e.Signal) + " " + Value(e) + (e.Matched ? " — match" : " — no match") + (e.Detail.Length > 0 ? " [" + e.Detail + "]" : string.Empty));
        }

        return string.Join("; ", parts);
    }

    private static string Name(SourceCandidate candidate) => candidate.Kind == SourceKinds.File ? Path.GetFileName(candidate.Reference) : candidate.Reference;

    /// <summary>The signal in words.</summary>
    public static string SignalText(string signal) => signal switch
    {
        SourceSignals.WholeImagePdq => "whole-picture PDQ",
        SourceSignals.DihedralPdq => "rotated/mirrored PDQ",
        SourceSignals.NonFacePdq => "PDQ outside the faces",
        SourceSignals.FaceEmbedding => "face similarity",
        SourceSignals.FeatureAlignment => "matching picture features",
        _ => signal,
    };

    /// <summary>The value against its threshold, in words.</summary>
    public static string Value(SourceEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return evidence.Signal switch
        {
            SourceSignals.FaceEmbedding => Invariant($"cosine {evidence.Value:F2}, match from {evidence.Threshold:F2}"),
            SourceSignals.FeatureAlignment => Invariant($"{evidence.Value:F0} agreeing feature matches, same photo from {evidence.Threshold:F0}"),
            _ => Invariant($"distance {evidence.Value:F0} of 256 bits, match up to {evidence.Threshold:F0}"),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
