using System.Buffers;
using System.Numerics.Tensors;
using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Models;

namespace Haechi.Media.Vision;

/// <summary>Settings of <see cref="FaceEmbedder"/> (and of <see cref="FaceAgeEstimator"/>, which crops the same way).</summary>
public sealed record FaceEmbedderOptions
{
    /// <summary>Faces whose box is shorter than this (source pixels) are not embedded: below it FaceRes vectors are unreliable.</summary>
    public float MinFaceSize { get; init; } = FaceGeometry.MinEmbeddableSize;

    /// <summary>Faces with a lower detector score are not embedded.</summary>
    public float MinScore { get; init; } = FaceGeometry.MinEmbeddableScore;

    /// <summary>The crop is the detector box enlarged by this factor around its centre, squared.</summary>
    public float CropScale { get; init; } = FaceGeometry.EmbeddingCropScale;
}

/// <summary>HSE FaceRes on ONNX Runtime: 1024-d face descriptors, L2-normalised, compared by cosine.</summary>
public sealed class FaceEmbedder(OnnxModel model, FaceEmbedderOptions? options = null)
{
    private readonly FaceEmbedderOptions _options = options ?? new FaceEmbedderOptions();

    public OnnxModel Model { get; } = model;

    /// <summary>Embedding length.</summary>
    public int Dimensions => Model.Contract.Outputs[0].Shape[^1];

    /// <summary>The identity of the vectors this embedder makes (model id and ONNX SHA-256): banks refuse other models.</summary>
    public string ModelIdentity => Model.Manifest.Id + ":" + Model.Manifest.OnnxSha256;

    /// <summary>True when the face passes the quality gates (size, score).</summary>
    public bool IsEmbeddable(DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return face.Size >= _options.MinFaceSize && face.Score >= _options.MinScore;
    }

    /// <summary>Embeds each face (one batch); returns unit vectors in the same order.</summary>
    public float[][] Embed(DecodedImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        if (faces.Count == 0)
        {
            return [];
        }

        var output = RunCrops(Model, image, faces, _options.CropScale)[Model.Contract.Outputs[0].Name];
        var dimensions = output.Length / faces.Count;
        var result = new float[faces.Count][];
        for (var i = 0; i < faces.Count; i++)
        {
            var vector = output.AsSpan(i * dimensions, dimensions).ToArray();
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0)
            {
                TensorPrimitives.Divide(vector, norm, vector);
            }

            result[i] = vector;
        }

        return result;
    }

    /// <summary>Runs <paramref name="model"/> on one crop per face (one batch): the detector box enlarged ×<paramref name="cropScale"/> around its centre and squared.</summary>
    internal static Dictionary<string, float[]> RunCrops(OnnxModel model, DecodedImage image, IReadOnlyList<DetectedFace> faces, float cropScale)
    {
        var contract = model.Contract;
        var size = contract.Height * contract.Width * 3;
        var buffer = ArrayPool<float>.Shared.Rent(size * faces.Count);
        try
        {
            var sx = (float)image.Width / image.SourceWidth;
            var sy = (float)image.Height / image.SourceHeight;
            for (var i = 0; i < faces.Count; i++)
            {
                // Crop rule (shared with the victim's browser): the box enlarged ×1.4 around its centre and squared, in decoded pixels.
                var (x, y, w, h) = FaceGeometry.EmbeddingCrop(faces[i].ToBox(), sx, sy, cropScale);
                PixelSampler.Sample(image, x, y, w, h, buffer.AsSpan(i * size, size), contract.Width, contract.Height, contract.Scale, contract.Offset);
            }

            return model.Run(buffer, faces.Count);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
