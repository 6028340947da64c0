using Haechi.Core.Forensics.Sources;
using Haechi.Core.Signals;

namespace Haechi.Media.Forensics.Sources;

/// <summary>Signals that source matching compares (the <c>signal</c> field in JSON).</summary>
public static class SourceSignals
{
    /// <summary>PDQ of the whole picture.</summary>
    public const string WholeImagePdq = "whole-image-pdq";

    /// <summary>PDQ of the whole picture rotated or mirrored (the 8 dihedral transforms).</summary>
    public const string DihedralPdq = "dihedral-pdq";

    /// <summary>PDQ of the picture with every detected face box (enlarged) filled grey, in both pictures: what a face swap keeps.</summary>
    public const string NonFacePdq = "non-face-pdq";

    /// <summary>PDQ of a view a bank keeps of its photo (a crop, the picture without its border or caption bar, a screenshot's content).</summary>
    public const string PdqView = "pdq-view";

    /// <summary>Local features (keypoints) confirmed by geometry: an off-centre crop or a large occluder.</summary>
    public const string LocalFeatures = "local-features";

    /// <summary>Cosine similarity of face embeddings (FaceRes): the same person, not necessarily the same photo.</summary>
    public const string FaceEmbedding = "face-embedding";

    /// <summary>
    /// Agreeing ORB feature matches under one homography (RANSAC), tried on pictures that only matched by
    /// face: many agreeing matches mean the same photo even when PDQ missed it (a large replaced body).
    /// </summary>
    public const string FeatureAlignment = "feature-alignment";

    /// <summary>True for the signals that compare the same photo (so an alignment and a difference image make sense).</summary>
    public static bool IsPhotoSignal(string signal) => signal is WholeImagePdq or DihedralPdq or NonFacePdq or FeatureAlignment;
}

/// <summary>One signal's comparison with one reference.</summary>
/// <param name="Signal">One of <see cref="SourceSignals"/>.</param>
/// <param name="Value">PDQ distance (bits of 256) or cosine similarity.</param>
/// <param name="Threshold">The signal's match threshold.</param>
/// <param name="Strength">0..1 on the common scale of <see cref="Haechi.Core.Signals.MatchStrength"/> (0.5 = at the threshold).</param>
/// <param name="Detail">What was compared (transform, which faces).</param>
public sealed record SourceEvidence(string Signal, double Value, double Threshold, double Strength, string Detail)
{
    /// <summary>True when the signal is within its threshold.</summary>
    public bool Matched => MatchStrength.IsMatch(Strength);
}

/// <summary>Where a candidate original comes from (the <c>kind</c> field in JSON).</summary>
public static class SourceKinds
{
    /// <summary>A picture in the investigator's reference folder.</summary>
    public const string File = "file";

    /// <summary>A PDQ entry of a hash bank.</summary>
    public const string Bank = "bank";

    /// <summary>A face enrolled in a face bank.</summary>
    public const string EnrolledFace = "enrolled-face";
}

/// <summary>A possible original of the suspect picture, with every signal compared.</summary>
/// <param name="Kind">One of <see cref="SourceKinds"/>.</param>
/// <param name="Reference">File path, <c>BANK #id</c>, or <c>BANK: subject</c>.</param>
/// <param name="Evidence">The signals compared, strongest first.</param>
public sealed record SourceCandidate(string Kind, string Reference, IReadOnlyList<SourceEvidence> Evidence)
{
    /// <summary>The strongest signal.</summary>
    public SourceEvidence Best => Evidence[0];

    /// <summary>The candidate's rank strength (its strongest signal).</summary>
    public double Strength => Evidence[0].Strength;
}

/// <summary>A suspect picture aligned onto a candidate original, with what changed.</summary>
/// <param name="Candidate">The candidate compared.</param>
/// <param name="Alignment">How the suspect was aligned (feature homography, or plain stretch when features did not agree).</param>
/// <param name="Inliers">Feature matches that agree with the homography (0 for a stretch).</param>
/// <param name="InlierSpread">Share of the suspect's area covered by the bounding box of the agreeing matches (0 for a stretch): a pasted face alone gives a small spread.</param>
/// <param name="Change">The difference per area after a brightness/contrast fit.</param>
/// <param name="ChangeOnFaces">Whether most of the changed area lies on the faces detected in the suspect (their boxes enlarged ×1.3); null when no face detector ran or nothing changed.</param>
/// <param name="ChangedArea">Bounding box of the changed areas in the original's own pixels (x, y, width, height), or null.</param>
/// <param name="SideBySidePng">Suspect (aligned) beside the original, changed areas tinted red; grey and blurred unless revealed.</param>
/// <param name="DifferenceMap">The difference heatmap with its colour bar.</param>
public sealed record SourceComparison(
    SourceCandidate Candidate,
    string Alignment,
    int Inliers,
    double InlierSpread,
    ChangeSummary Change,
    bool? ChangeOnFaces,
    (int X, int Y, int Width, int Height)? ChangedArea,
    byte[] SideBySidePng,
    ForensicMap DifferenceMap);

/// <summary>Everything source matching found for one suspect picture.</summary>
/// <param name="Candidates">Matching candidates, strongest first.</param>
/// <param name="Comparisons">Alignments and difference images for the best photo candidates.</param>
/// <param name="FilesSearched">Reference pictures read.</param>
/// <param name="BankEntriesSearched">Active entries of the banks searched (through the one matcher).</param>
/// <param name="EnrolledFacesSearched">Enrolled faces compared.</param>
/// <param name="SuspectFaces">Faces detected in the suspect (null when no detector ran).</param>
/// <param name="Notes">What did not run or could not be read, one line each.</param>
public sealed record SourceMatchResult(
    IReadOnlyList<SourceCandidate> Candidates,
    IReadOnlyList<SourceComparison> Comparisons,
    int FilesSearched,
    long BankEntriesSearched,
    int EnrolledFacesSearched,
    int? SuspectFaces,
    IReadOnlyList<string> Notes);

/// <summary>
/// The bank entries a suspect picture matched, found by the one matcher before source matching runs
/// (so a forensic source search gives the same entries and strengths as every other caller).
/// </summary>
/// <param name="Candidates">One <see cref="SourceKinds.Bank"/> candidate per matched entry, with the signal that found it.</param>
/// <param name="EntriesSearched">Active entries in the banks searched.</param>
public sealed record BankSourceMatches(IReadOnlyList<SourceCandidate> Candidates, long EntriesSearched)
{
    /// <summary>No bank searched.</summary>
    public static BankSourceMatches None { get; } = new([], 0);
}

/// <summary>Settings of <see cref="SourceMatcher"/>.</summary>
public sealed record SourceMatchOptions
{
    /// <summary>PDQ match threshold (whole, dihedral and non-face).</summary>
    public int PdqThreshold { get; init; } = Haechi.Core.Signals.SignalType.PdqThreshold;

    /// <summary>Face embedding match threshold (cosine).</summary>
    public float FaceThreshold { get; init; } = Core.Faces.FaceBank.DefaultThreshold;

    /// <summary>Face boxes are enlarged by this factor around their centre before masking (hair, ears, chin).</summary>
    public float FaceBoxScale { get; init; } = 1.6f;

    /// <summary>Most candidates reported.</summary>
    public int MaxCandidates { get; init; } = 10;

    /// <summary>Agreeing feature matches from which a face-only candidate counts as the same photo.</summary>
    public int SamePhotoInliers { get; init; } = 40;

    /// <summary>How many of the best photo candidates are aligned and compared.</summary>
    public int MaxComparisons { get; init; } = 3;

    /// <summary>Most reference files read from the folder.</summary>
    public int MaxReferenceFiles { get; init; } = 10_000;

    /// <summary>Show the side-by-side in colour and sharp (otherwise grey and blurred, as in the review queue).</summary>
    public bool Reveal { get; init; }
}
