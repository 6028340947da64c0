using Haechi.Core.Faces;
using Haechi.Media.Images;
using Haechi.Media.Video;

namespace Haechi.Pipeline.Ingestion;

/// <summary>
/// Faces against every face bank and the nudity score when the vision models are installed (for a
/// video, on at most <see cref="IngestionOptions.VideoVisionFrames"/> frames spread over it).
/// Records the face count, the best enrolled face, the youngest face's estimated age and the scores;
/// with the models off it records nothing.
/// </summary>
internal sealed class VisionStep(IngestVision vision, ItemContent content, IngestionOptions options)
{
    public async Task<VisionResult> RunAsync(ItemWork work, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        var item = work.Record;
        item.FaceCount = null;
        item.FaceEntryId = null;
        item.FaceSimilarity = null;
        item.NudityScore = null;
        item.ExplicitScore = null;
        item.FrameAt = null;
        item.YoungestAge = null;
        if (!vision.Enabled)
        {
            return new VisionResult(null, null, null);
        }

        var bytes = await content.GetAsync(work, cancellationToken).ConfigureAwait(false);
        var seen = item.ContentKind == "video"
            ? await AnalyseVideoAsync(bytes, faceBanks, cancellationToken).ConfigureAwait(false)
            : AnalyseImage(bytes, faceBanks);
        item.FaceCount = seen.FaceCount;
        item.NudityScore = seen.Nudity;
        item.ExplicitScore = seen.Explicit;
        item.YoungestAge = seen.YoungestAge;
        if (seen.Match is { } face)
        {
            item.FaceEntryId = face.Id;
            item.FaceSimilarity = face.Similarity;
        }

        return seen;
    }

    private VisionResult AnalyseImage(byte[] bytes, IReadOnlyList<FaceBank> faceBanks)
    {
        try
        {
            return vision.Analyse(bytes, faceBanks, options.FaceThreshold, options.ImageDecode);
        }
        catch (ImageDecodeException ex)
        {
            throw new StepFailedException(ex.Error == ImageDecodeError.TooManyPixels ? "too-many-pixels" : "undecodable", permanent: true);
        }
    }

    private async Task<VisionResult> AnalyseVideoAsync(byte[] bytes, IReadOnlyList<FaceBank> faceBanks, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("haechi-ingest-");
        try
        {
            var path = Path.Combine(directory.FullName, "item.video");
            await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            return vision.AnalyseVideo(path, faceBanks, options.FaceThreshold, options.VideoDecode, options.VideoVisionFrames, options.VideoVisionMaxSide, cancellationToken);
        }
        catch (VideoDecodeException)
        {
            throw new StepFailedException("undecodable", permanent: true);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
