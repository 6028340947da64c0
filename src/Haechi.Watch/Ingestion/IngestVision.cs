using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Watch.Ingestion;

/// <summary>What the pipeline's vision step can do, as the status reports it.</summary>
/// <param name="Faces">"on", or why faces are off ("models-not-installed", "model-refused").</param>
/// <param name="Nudity">"on", or why the nudity score is off.</param>
public sealed record VisionStatus(string Faces, string Nudity)
{
    /// <summary>Nothing loaded.</summary>
    public static VisionStatus Off { get; } = new("off", "off");
}

/// <summary>One image's faces and nudity: the faces found, the best enrolled face matched (if any) and the nudity score.</summary>
/// <param name="FaceCount">Faces detected (null when faces are off).</param>
/// <param name="Match">The best match of an embedded face against the face banks, at or above the threshold.</param>
/// <param name="Nudity">0..1 (porn + hentai + sexy), null when the classifier is off.</param>
public sealed record VisionResult(int? FaceCount, FaceMatch? Match, double? Nudity);

/// <summary>
/// The vision models of the pipeline (face detector, FaceRes embedder, nudity classifier), loaded
/// once from the data directory's model cache and shared by every worker (ONNX Runtime sessions are
/// thread-safe). A model that is not installed leaves its part off, and <see cref="Status"/> says so:
/// the pipeline runs without it rather than pretending.
/// </summary>
public sealed class IngestVision : IDisposable
{
    private readonly List<OnnxModel> _loaded = [];

    private IngestVision(VisionStatus status) => Status = status;

    /// <summary>Which parts are on, and why the others are off.</summary>
    public VisionStatus Status { get; private set; }

    /// <summary>The face detector, or null when faces are off.</summary>
    public FaceDetector? Detector { get; private set; }

    /// <summary>The face embedder, or null when faces are off.</summary>
    public FaceEmbedder? Embedder { get; private set; }

    /// <summary>The nudity classifier, or null when nudity is off.</summary>
    public NudityClassifier? Nudity { get; private set; }

    /// <summary>The identity of the embedder's vectors (face banks of other models are not searched), or null.</summary>
    public string? EmbeddingModel => Embedder?.ModelIdentity;

    /// <summary>True when faces or nudity are on.</summary>
    public bool Enabled => Detector is not null || Nudity is not null;

    /// <summary>Loads what is installed under <c>DATA/models</c>; never throws for a missing or refused model.</summary>
    public static IngestVision Load(string dataDirectory)
    {
        var store = ModelStore.ForDataDirectory(dataDirectory);
        var vision = new IngestVision(VisionStatus.Off);
        var faces = "on";
        var nudity = "on";
        try
        {
            var detector = vision.TryLoad(store, ModelCatalog.FaceDetector, "face-detection", out var detectorProblem);
            var embedder = vision.TryLoad(store, ModelCatalog.FaceEmbedder, "face-embedding", out var embedderProblem);
            if (detector is not null && embedder is not null)
            {
                vision.Detector = new FaceDetector(detector);
                vision.Embedder = new FaceEmbedder(embedder);
            }
            else
            {
                faces = detectorProblem ?? embedderProblem ?? "off";
            }

            var classifier = vision.TryLoad(store, ModelCatalog.Nudity, "nudity", out var nudityProblem);
            if (classifier is not null)
            {
                vision.Nudity = new NudityClassifier(classifier);
            }
            else
            {
                nudity = nudityProblem ?? "off";
            }

            vision.Status = new VisionStatus(faces, nudity);
            return vision;
        }
        catch
        {
            vision.Dispose();
            throw;
        }
    }

    /// <summary>Nothing loaded: faces and nudity off (the fingerprint-only pipeline).</summary>
    public static IngestVision None() => new(VisionStatus.Off);

    /// <summary>
    /// Detects and embeds the faces of the image and matches each against every face bank (best
    /// similarity at or above <paramref name="threshold"/>), and scores nudity.
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes are not a decodable image.</exception>
    public VisionResult Analyse(byte[] bytes, IReadOnlyList<FaceBank> banks, float threshold, ImageDecodeOptions decode)
    {
        ArgumentNullException.ThrowIfNull(banks);
        ArgumentNullException.ThrowIfNull(decode);
        if (!Enabled)
        {
            return new VisionResult(null, null, null);
        }

        // Shrunk on load, but the shorter side kept ≥ 512 px so that small faces stay visible.
        var image = ImageDecoder.Decode(bytes, decode with { MinWorkingSide = ImageScanner.VisionDecodeOptions.MinWorkingSide });
        int? faceCount = null;
        FaceMatch? best = null;
        if (Detector is not null && Embedder is not null)
        {
            var detected = Detector.Detect(image);
            faceCount = detected.Count;
            var embeddable = new List<DetectedFace>(detected.Count);
            foreach (var face in detected)
            {
                if (Embedder.IsEmbeddable(face))
                {
                    embeddable.Add(face);
                }
            }

            if (embeddable.Count > 0 && banks.Count > 0)
            {
                foreach (var vector in Embedder.Embed(image, embeddable))
                {
                    foreach (var bank in banks)
                    {
                        if (bank.Index.Best(vector) is { } match && match.Similarity >= threshold && (best is null || match.Similarity > best.Value.Similarity))
                        {
                            best = match;
                        }
                    }
                }
            }
        }

        double? nudity = Nudity is null ? null : Math.Clamp(Nudity.Classify(image).Priority, 0, 1);
        return new VisionResult(faceCount, best, nudity);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var model in _loaded)
        {
            model.Dispose();
        }

        _loaded.Clear();
    }

    private OnnxModel? TryLoad(ModelStore store, string id, string task, out string? problem)
    {
        var spec = ModelCatalog.Find(id);
        if (spec is null || !store.IsCurrent(spec))
        {
            problem = "models-not-installed";
            return null;
        }

        try
        {
            var model = store.Load(id, task);
            _loaded.Add(model);
            problem = null;
            return model;
        }
        catch (ModelConversionException)
        {
            problem = "model-refused";
            return null;
        }
    }
}
