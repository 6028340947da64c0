namespace Haechi.Core.Forensics.Maps;

/// <summary>One value per square cell of a picture, row-major (a grid of <see cref="Columns"/> × <see cref="Rows"/>).</summary>
/// <param name="Values">Cell values.</param>
/// <param name="Columns">Cells across.</param>
/// <param name="Rows">Cells down.</param>
/// <param name="CellSize">Cell side in pixels.</param>
public sealed record SignalMap(float[] Values, int Columns, int Rows, int CellSize)
{
    /// <summary>Cell side for a picture so that the map has at most <paramref name="maxCells"/> cells per side (a multiple of 8, at least <paramref name="minimum"/>).</summary>
    public static int CellSizeFor(int width, int height, int minimum, int maxCells)
    {
        var side = Math.Max(width, height);
        var size = Math.Max(minimum, (side + maxCells - 1) / maxCells);
        return (size + 7) / 8 * 8;
    }

    /// <summary>Median of the values (NaN cells ignored); NaN when none.</summary>
    public float Median()
    {
        var finite = new List<float>(Values.Length);
        foreach (var v in Values)
        {
            if (!float.IsNaN(v))
            {
                finite.Add(v);
            }
        }

        if (finite.Count == 0)
        {
            return float.NaN;
        }

        finite.Sort();
        return finite[finite.Count / 2];
    }
}

/// <summary>
/// Local noise level: per cell, the robust noise estimate of Donoho and Johnstone,
/// σ = median(|HH|) / 0.6745, over the diagonal detail coefficients of a one-level Haar transform of the
/// luminance. Regions pasted from another picture, or blurred/generated, often carry a different noise
/// level than their surroundings; flat or saturated areas also read low, so the map is a view, not a test.
/// </summary>
public static class NoiseLevelMap
{
    /// <summary>Computes the map; cells with fewer than 16 coefficients are NaN.</summary>
    public static SignalMap Compute(ReadOnlySpan<byte> luma, int width, int height, int cellSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cellSize, 2);
        if ((long)width * height > luma.Length)
        {
            ThrowHelper.ThrowArgument(nameof(luma), "The luminance buffer is smaller than width × height.");
        }

        var columns = Math.Max(1, width / cellSize);
        var rows = Math.Max(1, height / cellSize);
        var values = new float[columns * rows];
        var half = cellSize / 2;
        var scratch = new float[half * half];
        for (var cy = 0; cy < rows; cy++)
        {
            for (var cx = 0; cx < columns; cx++)
            {
                var n = 0;
                for (var y = cy * cellSize; y + 1 < Math.Min(height, (cy + 1) * cellSize); y += 2)
                {
                    var row = y * width;
                    for (var x = cx * cellSize; x + 1 < Math.Min(width, (cx + 1) * cellSize); x += 2)
                    {
                        // Haar HH = (a − b − c + d) / 2 over the 2×2 block.
                        var hh = (luma[row + x] - luma[row + x + 1] - luma[row + width + x] + luma[row + width + x + 1]) / 2f;
                        scratch[n++] = Math.Abs(hh);
                    }
                }

                if (n < 16)
                {
                    values[(cy * columns) + cx] = float.NaN;
                    continue;
                }

                var span = scratch.AsSpan(0, n);
                span.Sort();
                values[(cy * columns) + cx] = span[n / 2] / 0.6745f;
            }
        }

        return new SignalMap(values, columns, rows, cellSize);
    }
}

/// <summary>
/// Error level analysis: the mean absolute difference per cell between a picture and its re-compression
/// at a fixed JPEG quality (the re-compression is done by the caller). Areas saved fewer times, or at another
/// quality, than the rest change more. Edges and texture also change more, so the map is a view, not a test.
/// </summary>
public static class ErrorLevelMap
{
    /// <summary>Mean |original − recompressed| per cell over all channels of interleaved pixels.</summary>
    public static SignalMap Compute(ReadOnlySpan<byte> original, ReadOnlySpan<byte> recompressed, int width, int height, int channels, int cellSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cellSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        var length = (long)width * height * channels;
        if (original.Length < length || recompressed.Length < length)
        {
            ThrowHelper.ThrowArgument(nameof(recompressed), "A pixel buffer is smaller than width × height × channels.");
        }

        var columns = Math.Max(1, width / cellSize);
        var rows = Math.Max(1, height / cellSize);
        var sums = new double[columns * rows];
        var counts = new int[columns * rows];
        for (var y = 0; y < Math.Min(height, rows * cellSize); y++)
        {
            var cellRow = y / cellSize * columns;
            for (var x = 0; x < Math.Min(width, columns * cellSize); x++)
            {
                var cell = cellRow + (x / cellSize);
                var p = ((y * width) + x) * channels;
                var total = 0;
                for (var c = 0; c < channels; c++)
                {
                    total += Math.Abs(original[p + c] - recompressed[p + c]);
                }

                sums[cell] += total;
                counts[cell] += channels;
            }
        }

        var values = new float[columns * rows];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = counts[i] == 0 ? float.NaN : (float)(sums[i] / counts[i]);
        }

        return new SignalMap(values, columns, rows, cellSize);
    }
}
