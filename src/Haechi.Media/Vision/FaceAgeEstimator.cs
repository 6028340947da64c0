using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Models;

namespace Haechi.Media.Vision;

/// <summary>Estimates the age of faces, in years (a triage estimate, never a verdict: ADR 0013).</summary>
public interface IFaceAgeEstimator
{
    /// <summary>The estimated age in years of each face of <paramref name="image"/>, in the same order.</summary>
    double[] EstimateAges(DecodedImage image, IReadOnlyList<DetectedFace> faces);
}

/// <summary>
/// The age head of HSE FaceRes (model <c>faceres-age</c>: the embedder's network and weights, its
/// other output) on ONNX Runtime: one softmax bin per year, decoded to years by <see cref="FaceAge.Decode"/>.
/// Crops each face as the embedder does. Measured in ADR 0013: often 6 years off, up to 13 under an edit.
/// </summary>
public sealed class FaceAgeEstimator(OnnxModel model, FaceEmbedderOptions? options = null) : IFaceAgeEstimator
{
    private readonly FaceEmbedderOptions _options = options ?? new FaceEmbedderOptions();

    public OnnxModel Model { get; } = model;

    /// <inheritdoc />
    public double[] EstimateAges(DecodedImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        if (faces.Count == 0)
        {
            return [];
        }

        var bins = FaceEmbedder.RunCrops(Model, image, faces, _options.CropScale)[Model.Contract.Outputs[0].Name];
        var ages = new double[faces.Count];
        for (var i = 0; i < faces.Count; i++)
        {
            ages[i] = FaceAge.Decode(bins.AsSpan(i * FaceAge.Bins, FaceAge.Bins));
        }

        return ages;
    }
}
