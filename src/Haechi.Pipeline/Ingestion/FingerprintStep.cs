using Haechi.Core.Robust;
using Haechi.Media.Images;
using Haechi.Media.Video;

namespace Haechi.Pipeline.Ingestion;

/// <summary>Fetched → fingerprinted: PDQ and quality of an image, or the vPDQ frames of a video (<see cref="PackedFrames"/>).</summary>
internal sealed class FingerprintStep(ItemContent content, IngestionOptions options)
{
    public async Task RunAsync(ItemWork work, CancellationToken cancellationToken)
    {
        var item = work.Record;
        var bytes = await content.GetAsync(work, cancellationToken).ConfigureAwait(false);
        if (item.ContentKind == "video")
        {
            var directory = Directory.CreateTempSubdirectory("haechi-ingest-");
            try
            {
                var path = Path.Combine(directory.FullName, "item.video");
                await File.WriteAllBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
                var fingerprint = new VideoFingerprinter(options.VideoDecode, trimBorders: true).Fingerprint(path, cancellationToken);
                item.Frames = PackedFrames.Pack(fingerprint.Frames);
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
        else
        {
            var fingerprint = Decode(bytes, FingerprintParts.Pdq, RobustFamilies.None, options.ImageDecode);
            var pdq = new byte[32];
            fingerprint.Pdq.WriteBigEndian(pdq);
            item.Pdq = pdq;
            item.Quality = fingerprint.Quality;
        }
    }

    /// <summary>Decodes and hashes an image; a decode failure is a permanent step failure ("undecodable", "too-many-pixels").</summary>
    public static ImageFingerprint Decode(byte[] bytes, FingerprintParts parts, RobustFamilies families, ImageDecodeOptions decode)
    {
        try
        {
            return new ImageFingerprinter(decode) { QueryViews = families }.Fingerprint(bytes, parts);
        }
        catch (ImageDecodeException ex)
        {
            throw new StepFailedException(ex.Error == ImageDecodeError.TooManyPixels ? "too-many-pixels" : "undecodable", permanent: true);
        }
    }
}
