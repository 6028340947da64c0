namespace Haechi.Core.Forensics.Watermarks;

/// <summary>A publicly documented payload that generators embed with the <c>dwtDct</c> watermark.</summary>
/// <param name="Name">Short name shown in reports.</param>
/// <param name="Origin">Which software embeds it, in words.</param>
/// <param name="Bits">The payload bits (0 or 1), in embedding order.</param>
public sealed record KnownWatermark(string Name, string Origin, IReadOnlyList<byte> Bits);

/// <summary>The payloads Haechi looks for.</summary>
public static class KnownWatermarks
{
    /// <summary>SDXL's 48-bit message (0b1011_0011_1110_1100_1001_0000_0111_1011_1011_0001_1001_1110), embedded by Stability's generative-models and the diffusers SDXL pipelines.</summary>
    public const ulong SdxlMessage = 0b101100111110110010010000011110111011000110011110;

    /// <summary>Every known payload, longest first.</summary>
    public static IReadOnlyList<KnownWatermark> All { get; } =
    [
        new("StableDiffusionV1", "Stable Diffusion 1.x reference scripts (CompVis txt2img/img2img, many derived UIs)", DwtDctWatermark.BitsOf("StableDiffusionV1"u8)),
        new("SDXL", "Stable Diffusion XL (Stability generative-models, diffusers SDXL pipelines)", SdxlBits()),
        new("SDV2", "Stable Diffusion 2.x reference scripts (Stability stablediffusion txt2img)", DwtDctWatermark.BitsOf("SDV2"u8)),
    ];

    private static byte[] SdxlBits()
    {
        var bits = new byte[48];
        for (var i = 0; i < 48; i++)
        {
            bits[i] = (byte)((SdxlMessage >> (47 - i)) & 1);
        }

        return bits;
    }
}
