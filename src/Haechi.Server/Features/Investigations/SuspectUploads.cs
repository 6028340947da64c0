using System.Globalization;
using Haechi.Media;
using Haechi.Media.Images;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Investigations;

/// <summary>An uploaded suspect image that libvips decoded as a whole, reasonable picture.</summary>
internal sealed record CheckedUpload(string Name, byte[] Bytes, string ContentType);

/// <summary>Why uploads were refused: <c>413</c> for a file over the size cap, <c>400</c> for the rest.</summary>
internal sealed record UploadProblem(int Status, string Message);

/// <summary>
/// Reads and checks suspect images before any analysis: count and size caps, then a full decode by
/// libvips with the pixel and file limits (a corrupt, truncated, hostile or oversized picture is
/// refused with a clear message naming the file by position). Nothing is stored.
/// </summary>
internal sealed class SuspectUploads(IOptions<InvestigationsOptions> options)
{
    public async Task<(List<CheckedUpload> Files, UploadProblem? Problem)> CheckAsync(IReadOnlyList<IFormFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var limits = options.Value;
        var chosen = files.Where(f => f.Length > 0 || !string.IsNullOrEmpty(f.FileName)).ToList();
        if (chosen.Count == 0)
        {
            return ([], new UploadProblem(StatusCodes.Status400BadRequest, "Choose at least one image to analyse."));
        }

        if (chosen.Count > limits.MaxFiles)
        {
            return ([], new UploadProblem(StatusCodes.Status400BadRequest, Invariant($"At most {limits.MaxFiles} images per analysis.")));
        }

        var checkedFiles = new List<CheckedUpload>(chosen.Count);
        for (var i = 0; i < chosen.Count; i++)
        {
            var file = chosen[i];
            if (file.Length > limits.MaxFileBytes)
            {
                return ([], new UploadProblem(StatusCodes.Status413PayloadTooLarge, Invariant($"Image {i + 1} is larger than {limits.MaxFileBytes / (1024 * 1024)} MB.")));
            }

            if (file.Length == 0)
            {
                return ([], new UploadProblem(StatusCodes.Status400BadRequest, Invariant($"Image {i + 1} is empty.")));
            }

            var bytes = new byte[file.Length];
            var stream = file.OpenReadStream();
            await using (stream.ConfigureAwait(false))
            {
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            }

            var problem = Decode(bytes, out var contentType);
            if (problem is not null)
            {
                return ([], new UploadProblem(StatusCodes.Status400BadRequest, Invariant($"Image {i + 1} is not a usable image: {problem}")));
            }

            checkedFiles.Add(new CheckedUpload(SafeName(file.FileName, i), bytes, contentType));
        }

        return (checkedFiles, null);
    }

    /// <summary>The file's own name without any folder, at most 100 characters; <c>image-N</c> when it has none.</summary>
    internal static string SafeName(string? fileName, int index)
    {
        var name = Path.GetFileName((fileName ?? string.Empty).Replace('\\', '/'));
        name = new string([.. name.Where(c => !char.IsControl(c))]).Trim();
        if (name.Length == 0)
        {
            return Invariant($"image-{index + 1}");
        }

        return name.Length <= 100 ? name : name[..100];
    }

    private static string? Decode(byte[] bytes, out string contentType)
    {
        contentType = "application/octet-stream";
        try
        {
            var image = ImageDecoder.Decode(bytes);
            contentType = Evidence.EvidenceIntake.ContentTypes.GetValueOrDefault(image.Loader, contentType);
            return null;
        }
        catch (ImageDecodeException ex)
        {
            return ex.Message;
        }
        catch (MediaException)
        {
            return "the file could not be decoded.";
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
