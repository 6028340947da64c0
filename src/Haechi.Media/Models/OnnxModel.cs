using System.Globalization;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Haechi.Media.Models;

/// <summary>
/// A model loaded for inference: one ONNX Runtime session, created once and shared (its Run is
/// thread-safe), and the contract it was checked against. Loading refuses a model whose file does
/// not match its manifest's SHA-256, whose inputs/outputs differ from the contract, or whose
/// self-test vector gives different outputs.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private OnnxModel(InferenceSession session, ModelManifest manifest)
    {
        Session = session;
        Manifest = manifest;
    }

    public ModelManifest Manifest { get; }

    public ModelContract Contract => Manifest.Contract;

    internal InferenceSession Session { get; }

    /// <summary>Loads <c>model.onnx</c> and <c>manifest.json</c> from <paramref name="directory"/>.</summary>
    /// <param name="directory">The model's folder.</param>
    /// <param name="task">The task the caller needs (e.g. <c>face-detection</c>); null accepts any.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (1 when callers run images in parallel).</param>
    /// <exception cref="ModelConversionException">The model is missing or does not honour its contract.</exception>
    public static OnnxModel Load(string directory, string? task = null, int threads = 1)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        var modelPath = Path.Combine(directory, "model.onnx");
        if (!File.Exists(manifestPath) || !File.Exists(modelPath))
        {
            throw new ModelConversionException($"No model in {directory}: run 'haechi models pull'.");
        }

        var manifest = ModelManifest.Parse(File.ReadAllText(manifestPath));
        if (manifest.Format != ModelManifest.CurrentFormat)
        {
            throw new ModelConversionException($"Model '{manifest.Id}': manifest format {manifest.Format} is not {ModelManifest.CurrentFormat}.");
        }

        if (task is not null && manifest.Contract.Task != task)
        {
            throw new ModelConversionException($"Model '{manifest.Id}' is a {manifest.Contract.Task} model; a {task} model is needed.");
        }

        var bytes = File.ReadAllBytes(modelPath);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha != manifest.OnnxSha256)
        {
            throw new ModelConversionException($"Model '{manifest.Id}': model.onnx does not match the SHA-256 in its manifest. Run 'haechi models pull' again.");
        }

        var options = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, threads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        InferenceSession? session = null;
        try
        {
            session = new InferenceSession(bytes, options);
            var model = new OnnxModel(session, manifest);
            model.CheckContract();
            model.CheckSelfTest();
            session = null;
            return model;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelConversionException($"Model '{manifest.Id}' cannot be loaded by ONNX Runtime: {ex.Message}", ex);
        }
        finally
        {
            session?.Dispose();
            options.Dispose();
        }
    }

    /// <summary>Runs a batch of NHWC inputs (already normalised); returns each output's values by name.</summary>
    public Dictionary<string, float[]> Run(float[] input, int batch)
    {
        var shape = Contract.InputShape.ToArray();
        shape[0] = batch;
        var tensor = new DenseTensor<float>(input.AsMemory(0, batch * shape[1] * shape[2] * shape[3]), shape);
        using var results = Session.Run([NamedOnnxValue.CreateFromTensor(Contract.Input, tensor)]);
        var outputs = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            outputs[result.Name] = result.AsTensor<float>() is DenseTensor<float> dense ? dense.Buffer.ToArray() : result.AsTensor<float>().ToArray();
        }

        return outputs;
    }

    /// <summary>The deterministic self-test input for a contract: pixels from a seeded hash, normalised per the contract.</summary>
    public static float[] SelfTestInput(ModelContract contract, int seed)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var count = contract.Height * contract.Width * contract.InputShape[3];
        var values = new float[count];
        var state = (uint)seed | 1u;
        for (var i = 0; i < count; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            values[i] = ((state & 0xFF) * contract.Scale) + contract.Offset;
        }

        return values;
    }

    /// <summary>The first values of each output for the self-test input (what a manifest records).</summary>
    internal static Dictionary<string, float[]> SelfTestOutputs(OnnxModel model, int seed)
    {
        var outputs = model.Run(SelfTestInput(model.Contract, seed), 1);
        var head = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, values) in outputs)
        {
            head[name] = values[..Math.Min(8, values.Length)];
        }

        return head;
    }

    internal static OnnxModel ForSelfTest(byte[] bytes, ModelManifest manifest)
    {
        var session = new InferenceSession(bytes);
        var model = new OnnxModel(session, manifest);
        model.CheckContract();
        return model;
    }

    private void CheckContract()
    {
        var contract = Contract;
        if (!Session.InputMetadata.TryGetValue(contract.Input, out var input))
        {
            throw new ModelConversionException($"Model '{Manifest.Id}' has no input '{contract.Input}' (it has {string.Join(", ", Session.InputMetadata.Keys)}).");
        }

        if (input.Dimensions.Length != 4 || contract.InputShape.Length != 4)
        {
            throw new ModelConversionException($"Model '{Manifest.Id}': the input must be 4-D NHWC.");
        }

        for (var i = 1; i < 4; i++)
        {
            if (input.Dimensions[i] != contract.InputShape[i])
            {
                throw new ModelConversionException(string.Create(CultureInfo.InvariantCulture, $"Model '{Manifest.Id}': input dimension {i} is {input.Dimensions[i]}, the contract says {contract.InputShape[i]}."));
            }
        }

        foreach (var output in contract.Outputs)
        {
            if (!Session.OutputMetadata.ContainsKey(output.Name))
            {
                throw new ModelConversionException($"Model '{Manifest.Id}' has no output '{output.Name}'.");
            }
        }
    }

    private void CheckSelfTest()
    {
        var test = Manifest.SelfTest;
        var actual = SelfTestOutputs(this, test.Seed);
        foreach (var (name, expected) in test.Expected)
        {
            if (!actual.TryGetValue(name, out var values) || values.Length < expected.Length)
            {
                throw new ModelConversionException($"Model '{Manifest.Id}': self-test output '{name}' is missing.");
            }

            for (var i = 0; i < expected.Length; i++)
            {
                if (Math.Abs(values[i] - expected[i]) > test.Tolerance * Math.Max(1, Math.Abs(expected[i])))
                {
                    throw new ModelConversionException(string.Create(CultureInfo.InvariantCulture, $"Model '{Manifest.Id}' fails its self-test: {name}[{i}] is {values[i]}, expected {expected[i]}."));
                }
            }
        }
    }

    public void Dispose() => Session.Dispose();
}
