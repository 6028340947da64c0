using Haechi.Media.Forensics.Detectors;
using Haechi.Media.Models;

namespace Haechi.Media.Vision;

/// <summary>The vision models a <see cref="VisionModels"/> may hold.</summary>
[Flags]
public enum VisionParts
{
    /// <summary>None: every part is off.</summary>
    None = 0,

    /// <summary>The face detector (boxes and scores).</summary>
    FaceDetector = 1,

    /// <summary>The face embedder (vectors matched against face banks).</summary>
    FaceEmbedder = 2,

    /// <summary>The nudity classifier (triage scores).</summary>
    Nudity = 4,

    /// <summary>The agency's deepfake detectors in <c>DATA/models/detectors/</c>.</summary>
    DeepfakeDetectors = 8,

    /// <summary>The face age estimate (FaceRes's age head): flags faces that may show a minor.</summary>
    FaceAge = 16,

    /// <summary>The face detector and the face embedder.</summary>
    Faces = FaceDetector | FaceEmbedder,

    /// <summary>Every part.</summary>
    All = Faces | FaceAge | Nudity | DeepfakeDetectors,
}

/// <summary>Whether one model of a <see cref="VisionModels"/> is loaded, and if not, why.</summary>
/// <param name="State">
/// <see cref="On"/>, <see cref="NotInstalled"/> (not pulled, or pulled by an older converter),
/// <see cref="Refused"/> (it fails its checks) or <see cref="Off"/> (not asked for).
/// </param>
/// <param name="Problem">What a person can do about it (for example run <c>haechi models pull</c>); null when on or off.</param>
public sealed record VisionModelStatus(string State, string? Problem)
{
    /// <summary>The model is loaded.</summary>
    public const string On = "on";

    /// <summary>The model is not in the cache, or out of date.</summary>
    public const string NotInstalled = "models-not-installed";

    /// <summary>The model is in the cache but fails its checks (SHA-256, contract, self-test).</summary>
    public const string Refused = "model-refused";

    /// <summary>The model was not asked for.</summary>
    public const string Off = "off";

    /// <summary>True when the model is loaded.</summary>
    public bool IsOn => State == On;
}

/// <summary>
/// The one holder of the ONNX vision models (face detector, face embedder, face age estimator, nudity classifier and the
/// agency's deepfake detectors) that every host shares: each model is loaded from the data
/// directory's model cache (<c>DATA/models</c>) the first time it is asked for, once, and kept until
/// the holder is disposed (ONNX Runtime sessions are thread-safe, so every thread shares them). A
/// model that is not installed or fails its checks is left out (its property is null) and
/// <see cref="StatusOf"/> says why; <see cref="Require"/> turns that into an error for callers that
/// cannot run without it. Thread-safe.
/// </summary>
public sealed class VisionModels : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ModelStore _store;
    private readonly string _deepfakeDirectory;
    private readonly List<IDisposable> _owned = [];
    private Slot<FaceDetector> _detector;
    private Slot<FaceEmbedder> _embedder;
    private Slot<FaceAgeEstimator> _ages;
    private Slot<NudityClassifier> _nudity;
    private Slot<DeepfakeDetectorSet> _deepfakes;
    private bool _disposed;

    /// <summary>A holder of the models under <c><paramref name="dataDirectory"/>/models</c>; nothing is loaded until asked for.</summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="parts">The models this holder may load; the others are <see cref="VisionModelStatus.Off"/>.</param>
    public VisionModels(string dataDirectory, VisionParts parts = VisionParts.All)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        _store = ModelStore.ForDataDirectory(dataDirectory);
        _deepfakeDirectory = DeepfakeDetectorSet.DirectoryFor(dataDirectory);
        Parts = parts;
    }

    /// <summary>The models this holder may load.</summary>
    public VisionParts Parts { get; }

    /// <summary>The model cache folder (<c>DATA/models</c>).</summary>
    public string ModelsDirectory => _store.Directory;

    /// <summary>The face detector, or null when it is off, not installed or refused.</summary>
    public FaceDetector? Detector => Get(ref _detector, VisionParts.FaceDetector, static d => d.LoadModel(ModelCatalog.FaceDetector, "face-detection", static m => new FaceDetector(m)));

    /// <summary>The face embedder, or null when it is off, not installed or refused.</summary>
    public FaceEmbedder? Embedder => Get(ref _embedder, VisionParts.FaceEmbedder, static d => d.LoadModel(ModelCatalog.FaceEmbedder, "face-embedding", static m => new FaceEmbedder(m)));

    /// <summary>The face age estimator, or null when it is off, not installed or refused.</summary>
    public FaceAgeEstimator? AgeEstimator => Get(ref _ages, VisionParts.FaceAge, static d => d.LoadModel(ModelCatalog.FaceAge, "face-age", static m => new FaceAgeEstimator(m)));

    /// <summary>The nudity classifier, or null when it is off, not installed or refused.</summary>
    public NudityClassifier? Nudity => Get(ref _nudity, VisionParts.Nudity, static d => d.LoadModel(ModelCatalog.Nudity, "nudity", static m => new NudityClassifier(m)));

    /// <summary>The deepfake detectors (an empty set when none is installed; each one's state in its statuses), or null when off.</summary>
    public DeepfakeDetectorSet? Deepfakes => Get(ref _deepfakes, VisionParts.DeepfakeDetectors, static d => d.LoadDeepfakes());

    /// <summary>The identity of the embedder's vectors (face banks of other models are not searched), or null when faces are off.</summary>
    public string? EmbeddingModel => Embedder?.ModelIdentity;

    /// <summary>Whether <paramref name="part"/> (one model) is loaded, and if not, why; loads it when it has not been tried yet.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="part"/> is not one model.</exception>
    public VisionModelStatus StatusOf(VisionParts part)
    {
        switch (part)
        {
            case VisionParts.FaceDetector:
                _ = Detector;
                return Read(ref _detector);
            case VisionParts.FaceEmbedder:
                _ = Embedder;
                return Read(ref _embedder);
            case VisionParts.FaceAge:
                _ = AgeEstimator;
                return Read(ref _ages);
            case VisionParts.Nudity:
                _ = Nudity;
                return Read(ref _nudity);
            case VisionParts.DeepfakeDetectors:
                _ = Deepfakes;
                return Read(ref _deepfakes);
            default:
                throw new ArgumentOutOfRangeException(nameof(part), part, "One model is needed.");
        }
    }

    /// <summary>A holder with every model of <paramref name="parts"/> loaded now, for callers that cannot run without them.</summary>
    /// <exception cref="ModelConversionException">A model asked for is not installed or fails its checks (the message says what to do).</exception>
    public static VisionModels Load(string dataDirectory, VisionParts parts)
    {
        var models = new VisionModels(dataDirectory, parts);
        try
        {
            return models.Require();
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    /// <summary>Loads every model of <see cref="Parts"/> and fails when one is not there.</summary>
    /// <returns>This holder.</returns>
    /// <exception cref="ModelConversionException">A model asked for is not installed or fails its checks (the message says what to do).</exception>
    public VisionModels Require()
    {
        foreach (var part in (ReadOnlySpan<VisionParts>)[VisionParts.FaceDetector, VisionParts.FaceEmbedder, VisionParts.FaceAge, VisionParts.Nudity, VisionParts.DeepfakeDetectors])
        {
            if ((Parts & part) != 0 && StatusOf(part) is { IsOn: false } status)
            {
                throw new ModelConversionException(status.Problem ?? "A vision model is not available: run 'haechi models pull'.");
            }
        }

        return this;
    }

    /// <summary>A scanner (one per thread) with the detector, embedder and classifier of this holder that are on.</summary>
    public ImageScanner NewScanner() => new(Detector, Embedder, Nudity);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var owned in _owned)
            {
                owned.Dispose();
            }

            _owned.Clear();
        }
    }

    private T? Get<T>(ref Slot<T> slot, VisionParts part, Func<VisionModels, (T? Value, VisionModelStatus Status)> load)
        where T : class
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (slot.Status is null)
            {
                if ((Parts & part) == 0)
                {
                    slot = new Slot<T>(null, new VisionModelStatus(VisionModelStatus.Off, null));
                }
                else
                {
                    var (value, status) = load(this);
                    slot = new Slot<T>(value, status);
                }
            }

            return slot.Value;
        }
    }

    private VisionModelStatus Read<T>(ref Slot<T> slot)
        where T : class
    {
        lock (_gate)
        {
            return slot.Status!;
        }
    }

    private (DeepfakeDetectorSet? Value, VisionModelStatus Status) LoadDeepfakes()
    {
        var set = DeepfakeDetectorSet.Load(_deepfakeDirectory);
        _owned.Add(set);
        return (set, new VisionModelStatus(VisionModelStatus.On, null));
    }

    /// <summary>Loads one model of the cache (under the lock); the holder owns the session from then on.</summary>
    private (T? Value, VisionModelStatus Status) LoadModel<T>(string id, string task, Func<OnnxModel, T> create)
        where T : class
    {
        var store = _store;
        var spec = ModelCatalog.Find(id);
        if (spec is null || !store.IsCurrent(spec))
        {
            return (null, new VisionModelStatus(VisionModelStatus.NotInstalled, $"The {task} model '{id}' is not installed in {store.Directory} (or was pulled by an older Haechi): run 'haechi models pull'."));
        }

        OnnxModel? model = null;
        try
        {
            model = store.Load(id, task);
            var value = create(model);
            _owned.Add(model);
            model = null;
            return (value, new VisionModelStatus(VisionModelStatus.On, null));
        }
        catch (ModelConversionException ex)
        {
            return (null, new VisionModelStatus(VisionModelStatus.Refused, ex.Message));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, new VisionModelStatus(VisionModelStatus.Refused, $"The {task} model '{id}' cannot be read: {ex.Message}"));
        }
        finally
        {
            model?.Dispose();
        }
    }

    /// <summary>One model: null status until it has been tried.</summary>
    private record struct Slot<T>(T? Value, VisionModelStatus? Status)
        where T : class;
}
