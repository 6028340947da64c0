using Haechi.Core.Forensics.Watermarks;

namespace Haechi.Media.Tests.Forensics;

/// <summary>
/// Our own embedder for the invisible-watermark <c>dwtDct</c> method, written from its description
/// (YUV U channel, one-level Haar approximation band, 4×4 blocks, largest non-first coefficient
/// quantised to (⌊|c|/36⌋ + 0.25 + 0.5·bit)·36), to produce watermarked test pictures.
/// </summary>
internal static class DwtDctTestEncoder
{
    public static byte[] Embed(byte[] rgb, int width, int height, IReadOnlyList<byte> payload, WatermarkChannelOrder order = WatermarkChannelOrder.Bgr)
    {
        var blue = order == WatermarkChannelOrder.Bgr ? 2 : 0;
        var red = 2 - blue;
        var count = width * height;
        var y = new double[count];
        var u = new double[count];
        var v = new double[count];
        for (var i = 0; i < count; i++)
        {
            double r = rgb[(3 * i) + red], g = rgb[(3 * i) + 1], b = rgb[(3 * i) + blue];
            var luma = (0.299 * r) + (0.587 * g) + (0.114 * b);
            y[i] = Math.Clamp(Math.Round(luma), 0, 255);
            u[i] = Math.Clamp(Math.Round((0.492 * (b - luma)) + 128), 0, 255);
            v[i] = Math.Clamp(Math.Round((0.877 * (r - luma)) + 128), 0, 255);
        }

        var bandWidth = width / 4 * 4 / 2;
        var bandHeight = height / 4 * 4 / 2;
        var blocksX = bandWidth / 4;
        var blocksY = bandHeight / 4;
        var block = new double[16];
        var number = 0;
        for (var by = 0; by < blocksY; by++)
        {
            for (var bx = 0; bx < blocksX; bx++)
            {
                for (var k = 0; k < 16; k++)
                {
                    var x0 = 2 * ((bx * 4) + (k % 4));
                    var y0 = 2 * ((by * 4) + (k / 4));
                    block[k] = (u[(y0 * width) + x0] + u[(y0 * width) + x0 + 1] + u[((y0 + 1) * width) + x0] + u[((y0 + 1) * width) + x0 + 1]) / 2;
                }

                var position = 1;
                for (var k = 2; k < 16; k++)
                {
                    if (Math.Abs(block[k]) > Math.Abs(block[position]))
                    {
                        position = k;
                    }
                }

                var bit = payload[number % payload.Count];
                var magnitude = Math.Abs(block[position]);
                var target = (Math.Floor(magnitude / DwtDctWatermark.Scale) + 0.25 + (0.5 * bit)) * DwtDctWatermark.Scale;
                var change = (Math.Sign(block[position]) >= 0 ? target : -target) - block[position];
                var px = 2 * ((bx * 4) + (position % 4));
                var py = 2 * ((by * 4) + (position / 4));
                // The inverse Haar transform spreads a change d of the approximation coefficient as d/2 over its 2×2 pixels.
                u[(py * width) + px] += change / 2;
                u[(py * width) + px + 1] += change / 2;
                u[((py + 1) * width) + px] += change / 2;
                u[((py + 1) * width) + px + 1] += change / 2;
                number++;
            }
        }

        var output = new byte[rgb.Length];
        for (var i = 0; i < count; i++)
        {
            var uu = Math.Clamp(Math.Round(u[i]), 0, 255) - 128;
            var vv = v[i] - 128;
            output[(3 * i) + red] = (byte)Math.Clamp(Math.Round(y[i] + (1.140 * vv)), 0, 255);
            output[(3 * i) + 1] = (byte)Math.Clamp(Math.Round(y[i] - (0.395 * uu) - (0.581 * vv)), 0, 255);
            output[(3 * i) + blue] = (byte)Math.Clamp(Math.Round(y[i] + (2.032 * uu)), 0, 255);
        }

        return output;
    }
}
