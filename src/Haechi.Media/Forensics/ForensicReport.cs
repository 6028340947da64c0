using Haechi.Core.Forensics;

namespace Haechi.Media.Forensics;

/// <summary>Everything the analysis found about one file.</summary>
public sealed record ForensicReport
{
    /// <summary>SHA-256 of the file bytes (lower-case hex).</summary>
    public required string Sha256 { get; init; }

    /// <summary>MD5 of the file bytes (lower-case hex), for exchange with hash lists.</summary>
    public required string Md5 { get; init; }

    /// <summary>PDQ hash (hex), or null when the pixels could not be decoded.</summary>
    public string? Pdq { get; init; }

    /// <summary>PDQ quality 0..100 (below 50 the hash is unreliable).</summary>
    public int? PdqQuality { get; init; }

    /// <summary>Detected container format (<c>jpeg</c>, <c>png</c>, or <c>other</c>).</summary>
    public required string Format { get; init; }

    /// <summary>File size in bytes.</summary>
    public required long Bytes { get; init; }

    /// <summary>Pixel width, when known.</summary>
    public int? Width { get; init; }

    /// <summary>Pixel height, when known.</summary>
    public int? Height { get; init; }

    /// <summary>Findings, one per method that ran (and several where a method found several things).</summary>
    public required IReadOnlyList<ForensicFinding> Findings { get; init; }

    /// <summary>Heatmaps supporting the findings (noise level, error level), coarse by design.</summary>
    public IReadOnlyList<ForensicMap> Maps { get; init; } = [];

    /// <summary>
    /// The tools and models behind the findings, as (name, version) pairs: Haechi, libvips, and the face
    /// detector and deepfake detectors (id and the SHA-256 of their ONNX file) when they ran.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tools { get; init; } = [];

    /// <summary>Source matching (candidate originals, alignments, difference images), when it was asked for.</summary>
    public Sources.SourceMatchResult? SourceMatches { get; init; }

    /// <summary>The strongest band among the findings.</summary>
    public EvidenceBand OverallBand
    {
        get
        {
            var band = EvidenceBand.NoEvidenceFound;
            foreach (var finding in Findings)
            {
                if (finding.Band > band)
                {
                    band = finding.Band;
                }
            }

            return band;
        }
    }
}
