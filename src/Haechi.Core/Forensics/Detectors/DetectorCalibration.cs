namespace Haechi.Core.Forensics.Detectors;

/// <summary>
/// Maps a detector's raw score to a probability of manipulation, fitted by whoever supplied the
/// calibration on a labelled set (named in <see cref="Source"/>). Platt scaling:
/// <c>p = 1 / (1 + exp(A·s + B))</c>; isotonic: a non-decreasing table of (score, probability)
/// points, linearly interpolated and clamped to the first and last point.
/// </summary>
public sealed class DetectorCalibration
{
    private readonly double _a;
    private readonly double _b;
    private readonly double[] _scores;
    private readonly double[] _probabilities;

    private DetectorCalibration(string method, string source, double a, double b, double[] scores, double[] probabilities)
    {
        Method = method;
        Source = source;
        _a = a;
        _b = b;
        _scores = scores;
        _probabilities = probabilities;
    }

    /// <summary><c>platt</c> or <c>isotonic</c>.</summary>
    public string Method { get; }

    /// <summary>Where the calibration came from (data set, size, who fitted it), as its file says.</summary>
    public string Source { get; }

    /// <summary>Platt scaling with parameters <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">A parameter is not finite, or the source is empty.</exception>
    public static DetectorCalibration Platt(double a, double b, string source)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b))
        {
            throw new ArgumentException("Platt parameters must be finite numbers.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        return new DetectorCalibration("platt", source, a, b, [], []);
    }

    /// <summary>An isotonic table: scores strictly increasing, probabilities in 0..1 and non-decreasing.</summary>
    /// <exception cref="ArgumentException">The table is empty, unsorted or out of range.</exception>
    public static DetectorCalibration Isotonic(IReadOnlyList<(double Score, double Probability)> points, string source)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (points.Count < 2)
        {
            throw new ArgumentException("An isotonic calibration needs at least two points.");
        }

        var scores = new double[points.Count];
        var probabilities = new double[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var (score, probability) = points[i];
            if (!double.IsFinite(score) || !(probability is >= 0 and <= 1))
            {
                throw new ArgumentException("Isotonic points need finite scores and probabilities in 0..1.");
            }

            if (i > 0 && (score <= scores[i - 1] || probability < probabilities[i - 1]))
            {
                throw new ArgumentException("Isotonic points must have increasing scores and non-decreasing probabilities.");
            }

            scores[i] = score;
            probabilities[i] = probability;
        }

        return new DetectorCalibration("isotonic", source, 0, 0, scores, probabilities);
    }

    /// <summary>The calibrated probability of manipulation for a raw score.</summary>
    public double Probability(double score)
    {
        if (Method == "platt")
        {
            return 1 / (1 + Math.Exp((_a * score) + _b));
        }

        if (score <= _scores[0])
        {
            return _probabilities[0];
        }

        for (var i = 1; i < _scores.Length; i++)
        {
            if (score <= _scores[i])
            {
                var t = (score - _scores[i - 1]) / (_scores[i] - _scores[i - 1]);
                return _probabilities[i - 1] + (t * (_probabilities[i] - _probabilities[i - 1]));
            }
        }

        return _probabilities[^1];
    }
}
