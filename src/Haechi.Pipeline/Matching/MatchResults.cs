using Haechi.Core.Hashing.Pdq;
using Haechi.Core.Robust.Local;
using Haechi.Core.Signals;
using Haechi.Core.Video;
using Haechi.Data.Banks;

namespace Haechi.Pipeline.Matching;

/// <summary>Which entries count as matches: the banks searched, the radius and the quality floor.</summary>
public sealed record MatchFilter
{
    /// <summary>PDQ's default radius, the quality floor of PDQ, every bank.</summary>
    public static MatchFilter Default { get; } = new();

    /// <summary>Largest Hamming distance that matches (inclusive) for PDQ and its dihedral transforms.</summary>
    public int Radius { get; init; } = SignalType.PdqThreshold;

    /// <summary>Queries and entries below this PDQ quality are not matched by PDQ-family signals.</summary>
    public int MinQuality { get; init; } = PdqQuality.DefaultMinimum;

    /// <summary>Only entries of these banks; null for every bank.</summary>
    public IReadOnlySet<string>? Banks { get; init; }

    /// <summary>vPDQ thresholds for videos (frame radius and quality come from <see cref="Radius"/> and <see cref="MinQuality"/>).</summary>
    public VpdqMatchOptions Video => new() { MaxDistance = Radius, MinQuality = MinQuality };
}

/// <summary>One bank entry an image matched: how close, through which signal, and how strongly on the one scale.</summary>
/// <param name="Entry">The bank entry.</param>
/// <param name="SignalType">The signal type that matched (pdq, pdq-view or local).</param>
/// <param name="Distance">PDQ-family signals: the Hamming distance. Local matches (no PDQ distance) carry the filter's radius, so they rank after every PDQ-family match.</param>
/// <param name="Strength">On the <see cref="MatchStrength"/> scale (0.5 at the signal's threshold, 1 identical).</param>
/// <param name="MatchedBy">How, in the words of <c>haechi match</c>: pdq, dihedral, canonical, crops, partial or local.</param>
/// <param name="Transform">The transform or view (PDQ family), or <c>inliers=N;log10nfa=X</c> for local matches.</param>
/// <param name="Threshold">The threshold the signal matched under: the radius (PDQ family) or the log10 NFA bound (local).</param>
/// <param name="Local">The local-feature verification (inliers, log10 NFA) when <paramref name="MatchedBy"/> is <c>local</c>.</param>
public sealed record ImageBankMatch(BankEntryView Entry, SignalType SignalType, int Distance, double Strength, string MatchedBy, string Transform, double Threshold, LocalMatch? Local = null);

/// <summary>One bank entry a video matched, with the vPDQ comparison and its strength.</summary>
public sealed record VideoBankMatch(BankEntryView Entry, VpdqComparison Comparison, double Strength);

/// <summary>Where the matcher stands: its indexes, how far the store has moved past them, when it last caught up.</summary>
/// <param name="Loaded">Every index is loaded.</param>
/// <param name="StoreChange">The last bank change the store had at the last refresh.</param>
/// <param name="RefreshedAt">When the last refresh finished (null before the first).</param>
/// <param name="Indexes">Each index host.</param>
public sealed record MatcherStatus(bool Loaded, long StoreChange, DateTimeOffset? RefreshedAt, IReadOnlyList<IndexHostStatus> Indexes);
