using Haechi.Media.Models;
using Haechi.Media.Vision;

namespace Haechi.Media.Tests.Vision;

/// <summary>
/// The one holder of the vision models: what it says when a model is missing, off or refused, that
/// each model is loaded once and shared between threads, and that disposing it ends its use.
/// </summary>
public sealed class VisionModelsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("haechi-vision-models-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void StatusOf_NoModelsPulled_NotInstalledWithWhatToDo()
    {
        using var models = new VisionModels(_data);

        Assert.Null(models.Detector);
        Assert.Null(models.Embedder);
        Assert.Null(models.Nudity);
        foreach (var part in new[] { VisionParts.FaceDetector, VisionParts.FaceEmbedder, VisionParts.Nudity })
        {
            var status = models.StatusOf(part);
            Assert.Equal(VisionModelStatus.NotInstalled, status.State);
            Assert.Contains("haechi models pull", status.Problem, StringComparison.Ordinal);
        }

        Assert.Empty(models.Deepfakes!.Statuses);
        Assert.True(models.StatusOf(VisionParts.DeepfakeDetectors).IsOn);
    }

    [Fact]
    public void StatusOf_PartNotAskedFor_OffAndNull()
    {
        using var models = new VisionModels(_data, VisionParts.Nudity);

        Assert.Null(models.Detector);
        Assert.Null(models.Deepfakes);
        Assert.Equal(new VisionModelStatus(VisionModelStatus.Off, null), models.StatusOf(VisionParts.FaceDetector));
        Assert.Equal(VisionModelStatus.NotInstalled, models.StatusOf(VisionParts.Nudity).State);
        Assert.Throws<ArgumentOutOfRangeException>(() => models.StatusOf(VisionParts.Faces));
    }

    [Fact]
    public void Load_ModelMissing_ThrowsWithWhatToDo()
    {
        var ex = Assert.Throws<ModelConversionException>(() => VisionModels.Load(_data, VisionParts.Faces));

        Assert.Contains("haechi models pull", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NothingAskedFor_Succeeds()
    {
        using var models = VisionModels.Load(_data, VisionParts.None);

        Assert.Equal(VisionParts.None, models.Parts);
    }

    [Fact]
    public async Task Detector_Pulled_LoadedOnceSharedByThreads_DisposedAfter()
    {
        var store = await VisionTestData.RequireModelsAsync();
        Directory.CreateSymbolicLink(Path.Combine(_data, "models"), store.Directory);
        var models = new VisionModels(_data, VisionParts.Faces);

        var seen = new FaceDetector?[16];
        Parallel.For(0, seen.Length, i => seen[i] = models.Detector);

        Assert.NotNull(seen[0]);
        Assert.All(seen, d => Assert.Same(seen[0], d));
        Assert.True(models.StatusOf(VisionParts.FaceDetector).IsOn);
        Assert.Same(models, models.Require());
        Assert.NotNull(models.EmbeddingModel);
        models.Dispose();
        Assert.Throws<ObjectDisposedException>(() => models.Detector);
    }

    [Fact]
    public async Task StatusOf_ModelFileAltered_RefusedWithReason()
    {
        var store = await VisionTestData.RequireModelsAsync();
        var copy = new ModelStore(Path.Combine(_data, "models"));
        var source = store.ModelDirectory(ModelCatalog.FaceDetector);
        var target = copy.ModelDirectory(ModelCatalog.FaceDetector);
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(source, "manifest.json"), Path.Combine(target, "manifest.json"));
        var bytes = await File.ReadAllBytesAsync(Path.Combine(source, "model.onnx"), TestContext.Current.CancellationToken);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(Path.Combine(target, "model.onnx"), bytes, TestContext.Current.CancellationToken);
        using var models = new VisionModels(_data, VisionParts.FaceDetector);

        Assert.Null(models.Detector);
        var status = models.StatusOf(VisionParts.FaceDetector);
        Assert.Equal(VisionModelStatus.Refused, status.State);
        Assert.Contains("SHA-256", status.Problem, StringComparison.Ordinal);
    }
}
