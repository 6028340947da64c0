using System.Buffers.Binary;
using Haechi.Core.Signals;

namespace Haechi.Core.Faces;

/// <summary>
/// Faces victims enrol themselves: the embedding is computed on her own device (the photo never
/// leaves it) and sent as <c>{"type":"face-faceres-v1","embedding":"&lt;base64 float32 LE&gt;"}</c>
/// with the request's <c>faceConsent</c>. They live in one face bank, <see cref="BankName"/>, whose
/// entries' external id is her case number (so her withdrawal removes them), and a match against it
/// is reviewed first (<see cref="Review.ReviewPriority.ComputeVictimFace"/>).
/// </summary>
public static class VictimFaces
{
    /// <summary>The face bank of victims' own faces.</summary>
    public const string BankName = "victim-faces";

    /// <summary>Its description.</summary>
    public const string BankDescription = "Faces victims enrolled on their own devices (embeddings only, sealed); external id = case number";

    /// <summary>Most faces one request may carry.</summary>
    public const int MaxPerRequest = 10;

    /// <summary>The signal type of a victim's face.</summary>
    public static SignalType SignalType => SignalType.FaceFaceresV1;

    /// <summary>Bytes of one encoded embedding (1024 float32, little-endian).</summary>
    public static int EncodedBytes => SignalType.FaceFaceresV1.Dimensions * sizeof(float);

    /// <summary>Encodes a vector as base64 of float32 little-endian (what the device sends).</summary>
    public static string Encode(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>
    /// Parses what a device sent: base64 of exactly <see cref="EncodedBytes"/> bytes, every value
    /// finite, not all zero; returns the unit-length vector, or null with the reason.
    /// </summary>
    public static float[]? TryParse(string? base64, out string? problem)
    {
        var dimensions = SignalType.FaceFaceresV1.Dimensions;
        var expected = EncodedBytes;
        problem = null;
        var buffer = new byte[expected];
        if (base64 is null || base64.Length != (expected + 2) / 3 * 4 || !Convert.TryFromBase64String(base64, buffer, out var length) || length != expected)
        {
            problem = $"A face embedding is base64 of {dimensions} float32 values, little-endian ({expected} bytes).";
            return null;
        }

        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(buffer.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(value))
            {
                problem = "Every value of a face embedding must be a finite number.";
                return null;
            }

            vector[i] = value;
        }

        if (!FaceGeometry.Normalise(vector))
        {
            problem = "A face embedding cannot be all zeros.";
            return null;
        }

        return vector;
    }
}
