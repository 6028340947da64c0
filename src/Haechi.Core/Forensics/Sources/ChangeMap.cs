using Haechi.Core.Forensics.Maps;

namespace Haechi.Core.Forensics.Sources;

/// <summary>Where a suspect picture differs from its aligned original.</summary>
/// <param name="Map">Mean absolute difference per cell (grey levels after the brightness/contrast fit); NaN where the suspect does not cover the original.</param>
/// <param name="Gain">Fitted contrast: original ≈ Gain × suspect + Offset.</param>
/// <param name="Offset">Fitted brightness offset.</param>
/// <param name="ChangedCells">Cells above <see cref="Threshold"/>.</param>
/// <param name="ComparedCells">Cells with enough covered pixels to compare.</param>
/// <param name="Threshold">The changed-cell threshold used (grey levels).</param>
/// <param name="MedianDifference">Median cell difference (what re-encoding and resizing alone leave).</param>
/// <param name="ChangedBox">Bounding box of the changed cells in original pixels (x, y, width, height), or null when none changed.</param>
/// <param name="Changed">Per cell (row-major, as <paramref name="Map"/>), whether it counts as changed.</param>
public sealed record ChangeSummary(
    SignalMap Map,
    double Gain,
    double Offset,
    int ChangedCells,
    int ComparedCells,
    float Threshold,
    float MedianDifference,
    (int X, int Y, int Width, int Height)? ChangedBox,
    bool[] Changed)
{
    /// <summary>Share of compared cells that changed, 0..1.</summary>
    public double ChangedFraction => ComparedCells == 0 ? 0 : (double)ChangedCells / ComparedCells;
}

/// <summary>
/// Compares a suspect picture, already warped onto its original's pixel grid, with the original: a
/// robust gain/offset fit removes global brightness/contrast edits, then the mean absolute residual per
/// cell shows where the content itself changed. A cell counts as changed above
/// max(<see cref="MinimumThreshold"/>, 3 × the median cell difference) when it belongs to a connected
/// region of at least <see cref="MinRegionCells"/> such cells: re-encoding and resizing leave small
/// differences everywhere (and lone larger ones on sharp edges), a replaced face or body leaves large
/// ones over a region.
/// </summary>
public static class ChangeMap
{
    /// <summary>The smallest changed-cell threshold (grey levels).</summary>
    public const float MinimumThreshold = 12f;

    /// <summary>Fewest connected cells above the threshold that count as a changed region.</summary>
    public const int MinRegionCells = 4;

    /// <summary>Computes the change map.</summary>
    /// <param name="suspect">Suspect luminance on the original's grid (width × height).</param>
    /// <param name="original">Original luminance (width × height).</param>
    /// <param name="covered">Per pixel, non-zero where the warped suspect covers the original.</param>
    /// <param name="width">Grid width.</param>
    /// <param name="height">Grid height.</param>
    /// <param name="cellSize">Cell side in pixels (at least 2).</param>
    public static ChangeSummary Compute(ReadOnlySpan<byte> suspect, ReadOnlySpan<byte> original, ReadOnlySpan<byte> covered, int width, int height, int cellSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cellSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var pixels = width * height;
        if (suspect.Length < pixels || original.Length < pixels || covered.Length < pixels)
        {
            ThrowHelper.ThrowArgument(nameof(suspect), "A buffer is smaller than width × height.");
        }

        // Pass 1: least-squares fit over every covered pixel; pass 2: refit without residuals beyond 3 × the mean one
        // (the changed region itself must not drag the fit).
        var (gain, offset) = Fit(suspect, original, covered, pixels, 1, 0, double.PositiveInfinity);
        var meanResidual = MeanResidual(suspect, original, covered, pixels, gain, offset);
        (gain, offset) = Fit(suspect, original, covered, pixels, gain, offset, Math.Max(6, 3 * meanResidual));

        var columns = Math.Max(1, width / cellSize);
        var rows = Math.Max(1, height / cellSize);
        var values = new float[columns * rows];
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                double sum = 0;
                var count = 0;
                var y1 = row == rows - 1 ? height : (row + 1) * cellSize;
                var x1 = column == columns - 1 ? width : (column + 1) * cellSize;
                for (var y = row * cellSize; y < y1; y++)
                {
                    var line = y * width;
                    for (var x = column * cellSize; x < x1; x++)
                    {
                        var i = line + x;
                        if (covered[i] != 0)
                        {
                            sum += Math.Abs(original[i] - ((gain * suspect[i]) + offset));
                            count++;
                        }
                    }
                }

                var area = (y1 - (row * cellSize)) * (x1 - (column * cellSize));
                values[(row * columns) + column] = count * 2 >= area ? (float)(sum / count) : float.NaN;
            }
        }

        var map = new SignalMap(values, columns, rows, cellSize);
        var median = map.Median();
        var threshold = float.IsNaN(median) ? MinimumThreshold : Math.Max(MinimumThreshold, 3 * median);
        var flags = RegionsAbove(values, columns, rows, threshold);
        int changed = 0, compared = 0, minColumn = int.MaxValue, minRow = int.MaxValue, maxColumn = -1, maxRow = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                continue;
            }

            compared++;
            if (flags[i])
            {
                changed++;
                var (r, c) = Math.DivRem(i, columns);
                minColumn = Math.Min(minColumn, c);
                maxColumn = Math.Max(maxColumn, c);
                minRow = Math.Min(minRow, r);
                maxRow = Math.Max(maxRow, r);
            }
        }

        (int, int, int, int)? box = changed == 0 ? null : (minColumn * cellSize, minRow * cellSize, Math.Min(width, (maxColumn + 1) * cellSize) - (minColumn * cellSize), Math.Min(height, (maxRow + 1) * cellSize) - (minRow * cellSize));
        return new ChangeSummary(map, gain, offset, changed, compared, threshold, float.IsNaN(median) ? 0 : median, box, flags);
    }

    /// <summary>
    /// Cells above the threshold that belong to a region (8-connected) of at least <see cref="MinRegionCells"/> such cells:
    /// lone cells and pairs are resampling or colour-subsampling noise on sharp edges, not a replaced region.
    /// </summary>
    private static bool[] RegionsAbove(float[] values, int columns, int rows, float threshold)
    {
        var flags = new bool[values.Length];
        var seen = new bool[values.Length];
        var stack = new Stack<int>();
        var region = new List<int>();
        for (var start = 0; start < values.Length; start++)
        {
            if (seen[start] || !(values[start] > threshold))
            {
                continue;
            }

            region.Clear();
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var index = stack.Pop();
                region.Add(index);
                var (row, column) = Math.DivRem(index, columns);
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int r = row + dy, c = column + dx;
                        if (r < 0 || r >= rows || c < 0 || c >= columns)
                        {
                            continue;
                        }

                        var next = (r * columns) + c;
                        if (!seen[next] && values[next] > threshold)
                        {
                            seen[next] = true;
                            stack.Push(next);
                        }
                    }
                }
            }

            if (region.Count >= MinRegionCells)
            {
                foreach (var index in region)
                {
                    flags[index] = true;
                }
            }
        }

        return flags;
    }

    private static (double Gain, double Offset) Fit(ReadOnlySpan<byte> suspect, ReadOnlySpan<byte> original, ReadOnlySpan<byte> covered, int pixels, double gain, double offset, double maxResidual)
    {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < pixels; i++)
        {
            if (covered[i] == 0)
            {
                continue;
            }

            double x = suspect[i], y = original[i];
            if (Math.Abs(y - ((gain * x) + offset)) > maxResidual)
            {
                continue;
            }

            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }

        var variance = (n * sxx) - (sx * sx);
        if (n < 16 || variance < n * n)
        {
            // Too few pixels, or a nearly flat suspect: only a brightness offset can be fitted.
            return n == 0 ? (1, 0) : (1, (sy - sx) / n);
        }

        var fittedGain = Math.Clamp(((n * sxy) - (sx * sy)) / variance, 0.5, 2);
        return (fittedGain, (sy - (fittedGain * sx)) / n);
    }

    private static double MeanResidual(ReadOnlySpan<byte> suspect, ReadOnlySpan<byte> original, ReadOnlySpan<byte> covered, int pixels, double gain, double offset)
    {
        double sum = 0;
        var count = 0;
        for (var i = 0; i < pixels; i++)
        {
            if (covered[i] != 0)
            {
                sum += Math.Abs(original[i] - ((gain * suspect[i]) + offset));
                count++;
            }
        }

        return count == 0 ? 0 : sum / count;
    }
}
