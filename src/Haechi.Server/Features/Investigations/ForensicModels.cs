using Haechi.Media.Forensics.Detectors;
using Haechi.Media.Models;
using Haechi.Media.Vision;
using Haechi.Server.Data;

namespace Haechi.Server.Features.Investigations;

/// <summary>
/// The models the analysis uses when they are pulled into the data directory: the face detector
/// (face against background, the detectors' crops, faces outside the PDQ), the face embedder
/// (enrolled face banks) and the agency's deepfake detectors. Loaded once, on first use; a model
/// that is missing or fails its checks is left out and the analysis runs without it.
/// </summary>
internal sealed class ForensicModels(DataDirectory directory) : IDisposable
{
    private readonly Lock _gate = new();
    private bool _loaded;
    private OnnxModel? _detectorModel;
    private OnnxModel? _embedderModel;

    public FaceDetector? Faces { get; private set; }

    public FaceEmbedder? Embedder { get; private set; }

    public DeepfakeDetectorSet? Detectors { get; private set; }

    /// <summary>Loads what is there (once).</summary>
    public ForensicModels Ensure()
    {
        lock (_gate)
        {
            if (_loaded)
            {
                return this;
            }

            _loaded = true;
            var store = ModelStore.ForDataDirectory(directory.Path);
            try
            {
                _detectorModel = store.Load(ModelCatalog.FaceDetector, "face-detection");
                Faces = new FaceDetector(_detectorModel);
                _embedderModel = store.Load(ModelCatalog.FaceEmbedder, "face-embedding");
                Embedder = new FaceEmbedder(_embedderModel);
            }
            catch (Exception ex) when (ex is ModelConversionException or IOException or UnauthorizedAccessException)
            {
                // Not pulled: the face checks and enrolled-face search are skipped and the report says so.
            }

            Detectors = DeepfakeDetectorSet.Load(DeepfakeDetectorSet.DirectoryFor(directory.Path));
            return this;
        }
    }

    public void Dispose()
    {
        Detectors?.Dispose();
        _detectorModel?.Dispose();
        _embedderModel?.Dispose();
    }
}
