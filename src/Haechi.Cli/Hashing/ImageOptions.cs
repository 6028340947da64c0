using System.CommandLine;
using Haechi.Media.Images;

namespace Haechi.Cli.Hashing;

/// <summary>Decoding options shared by every command that reads images.</summary>
internal sealed class ImageOptions
{
    public Option<OrientationMode> Orientation { get; } = new("--exif-orientation")
    {
        Description = "Apply the EXIF orientation tag before hashing (apply, the default: hashes what people see) or hash the stored pixels like Meta's reference tools (ignore).",
        DefaultValueFactory = _ => OrientationMode.Apply,
    };

    public Option<long> MaxPixels { get; } = new("--max-pixels")
    {
        Description = "Refuse images whose header declares more pixels than this (decompression bombs).",
        DefaultValueFactory = _ => ImageDecodeOptions.DefaultMaxPixels,
    };

    public Option<long> MaxFileSize { get; } = new("--max-file-size")
    {
        Description = "Refuse files larger than this many bytes.",
        DefaultValueFactory = _ => ImageDecodeOptions.DefaultMaxFileBytes,
    };

    public Option<bool> FullResolution { get; } = new("--full-resolution")
    {
        Description = "Decode at full size instead of shrinking large images on load (slower; hashes differ by a few bits at most).",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Orientation);
        command.Options.Add(MaxPixels);
        command.Options.Add(MaxFileSize);
        command.Options.Add(FullResolution);
        MaxPixels.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() <= 0)
            {
                result.AddError("--max-pixels must be positive.");
            }
        });
        MaxFileSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() <= 0)
            {
                result.AddError("--max-file-size must be positive.");
            }
        });
    }

    public ImageDecodeOptions Read(ParseResult result) => new()
    {
        Orientation = result.GetValue(Orientation),
        MaxPixels = result.GetValue(MaxPixels),
        MaxFileBytes = result.GetValue(MaxFileSize),
        MinWorkingSide = result.GetValue(FullResolution) ? 0 : ImageDecodeOptions.DefaultMinWorkingSide,
    };
}
