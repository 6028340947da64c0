using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Cli.Vision;

/// <summary>The pipelines a command needs, loaded once from the data directory's model cache and shared by its threads.</summary>
internal sealed class VisionModels : IDisposable
{
    private readonly List<OnnxModel> _loaded = [];

    private VisionModels()
    {
    }

    public FaceDetector? Detector { get; private set; }

    public FaceEmbedder? Embedder { get; private set; }

    public NudityClassifier? Nudity { get; private set; }

    /// <summary>Loads what is asked for.</summary>
    /// <exception cref="ModelConversionException">A model is not pulled or fails its checks.</exception>
    public static VisionModels Load(string dataDirectory, bool faces, bool embeddings, bool nudity)
    {
        var store = ModelStore.ForDataDirectory(dataDirectory);
        var models = new VisionModels();
        try
        {
            if (faces)
            {
                models.Detector = new FaceDetector(models.Keep(store.Load(ModelCatalog.FaceDetector, "face-detection")));
            }

            if (embeddings)
            {
                models.Embedder = new FaceEmbedder(models.Keep(store.Load(ModelCatalog.FaceEmbedder, "face-embedding")));
            }

            if (nudity)
            {
                models.Nudity = new NudityClassifier(models.Keep(store.Load(ModelCatalog.Nudity, "nudity")));
            }

            return models;
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }

    public ImageScanner NewScanner() => new(Detector, Embedder, Nudity);

    private OnnxModel Keep(OnnxModel model)
    {
        _loaded.Add(model);
        return model;
    }

    public void Dispose()
    {
        foreach (var model in _loaded)
        {
            model.Dispose();
        }
    }
}
