using System.Buffers;
using Haechi.Media.Images;
using Haechi.Media.Models;

namespace Haechi.Media.Vision;

/// <summary>
/// nsfwjs class probabilities (sum 1). A triage score to order a review queue, never a verdict:
/// the model scores many clothed photos as sexy or porn.
/// </summary>
public readonly record struct NudityScores(float Drawing, float Hentai, float Neutral, float Porn, float Sexy)
{
    /// <summary>Porn + Hentai + Sexy: how strongly to put the item first in the queue.</summary>
    public float Priority => Porn + Hentai + Sexy;

    /// <summary>
    /// Porn + Hentai: explicit content, without the "sexy" class that the model also gives many
    /// clothed photos (0.3 to 0.84 on the face-api sample photos). What decides whether content that
    /// matched nothing is worth an analyst's time.
    /// </summary>
    public float Explicit => Porn + Hentai;
}

/// <summary>The nsfwjs MobileNetV2 classifier on ONNX Runtime: the whole image stretched to 224×224, RGB/255.</summary>
public sealed class NudityClassifier(OnnxModel model)
{
    public OnnxModel Model { get; } = model;

    public NudityScores Classify(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var contract = Model.Contract;
        var buffer = ArrayPool<float>.Shared.Rent(contract.Height * contract.Width * 3);
        try
        {
            PixelSampler.Sample(image, 0, 0, image.Width, image.Height, buffer, contract.Width, contract.Height, contract.Scale, contract.Offset);
            var p = Model.Run(buffer, 1)[contract.Outputs[0].Name];
            return new NudityScores(p[0], p[1], p[2], p[3], p[4]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
