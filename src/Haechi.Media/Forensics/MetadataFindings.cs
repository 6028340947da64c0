using Haechi.Core.Forensics;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Xmp;

namespace Haechi.Media.Forensics;

/// <summary>The metadata fields that matter to provenance, read with MetadataExtractor.</summary>
internal sealed class MetadataFields
{
    /// <summary>Generator-relevant key/value pairs with their source (EXIF UserComment, Software, XMP CreatorTool…).</summary>
    public List<(string Key, string Value, string Source)> Records { get; } = [];

    /// <summary>IPTC DigitalSourceType URIs or codes found anywhere in XMP.</summary>
    public List<string> DigitalSourceTypes { get; } = [];

    /// <summary>Software names seen (EXIF Software, XMP CreatorTool, history agents).</summary>
    public List<(string Software, string Source)> Software { get; } = [];

    /// <summary>Camera make and model, when declared.</summary>
    public string? Camera { get; set; }

    /// <summary>Directory names read (EXIF IFD0, XMP, ICC Profile…).</summary>
    public List<string> Directories { get; } = [];

    /// <summary>Why reading stopped early, if it did.</summary>
    public string? Problem { get; set; }
}

/// <summary>Reads EXIF, XMP, IPTC and ICC with MetadataExtractor and picks out provenance fields.</summary>
internal static class MetadataFindings
{
    private const string DigitalSourceTypeVocabulary = "cv.iptc.org/newscodes/digitalsourcetype/";
    private const int MaxValues = 2000;

    public static MetadataFields Read(byte[] bytes)
    {
        var fields = new MetadataFields();
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            directories = ImageMetadataReader.ReadMetadata(stream);
        }
        catch (Exception ex) when (ex is ImageProcessingException or IOException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException or OverflowException)
        {
            fields.Problem = "The metadata could not be read: " + TextExcerpt.Of(ex.Message, 200);
            return fields;
        }

        string? make = null, model = null;
        foreach (var directory in directories)
        {
            fields.Directories.Add(directory.Name);
            if (directory is ExifDirectoryBase exif)
            {
                AddExif(exif, fields, ref make, ref model);
            }
            else if (directory is XmpDirectory xmp)
            {
                AddXmp(xmp, fields);
            }
        }

        if (make is not null || model is not null)
        {
            fields.Camera = TextExcerpt.Of(string.Join(' ', new[] { make, model }.Where(s => !string.IsNullOrWhiteSpace(s))), 100);
        }

        return fields;
    }

    private static void AddExif(ExifDirectoryBase exif, MetadataFields fields, ref string? make, ref string? model)
    {
        if (exif.GetDescription(ExifDirectoryBase.TagUserComment) is { Length: > 0 } comment)
        {
            fields.Records.Add(("UserComment", comment, "EXIF UserComment"));
        }

        if (exif.GetDescription(ExifDirectoryBase.TagImageDescription) is { Length: > 0 } description)
        {
            fields.Records.Add(("parameters", description, "EXIF ImageDescription"));
        }

        if (exif.GetDescription(ExifDirectoryBase.TagSoftware) is { Length: > 0 } software)
        {
            fields.Records.Add(("Software", software, "EXIF Software"));
            fields.Software.Add((TextExcerpt.Of(software, 100), "EXIF Software"));
        }

        make ??= exif.GetDescription(ExifDirectoryBase.TagMake);
        model ??= exif.GetDescription(ExifDirectoryBase.TagModel);
    }

    private static void AddXmp(XmpDirectory xmp, MetadataFields fields)
    {
        var count = 0;
        foreach (var (path, value) in xmp.GetXmpProperties())
        {
            if (++count > MaxValues || value is null)
            {
                break;
            }

            if (path.EndsWith("DigitalSourceType", StringComparison.OrdinalIgnoreCase) || value.Contains(DigitalSourceTypeVocabulary, StringComparison.OrdinalIgnoreCase))
            {
                fields.DigitalSourceTypes.Add(Code(value));
            }

            if (path.EndsWith("CreatorTool", StringComparison.OrdinalIgnoreCase))
            {
                fields.Records.Add(("Creator Tool", value, "XMP CreatorTool"));
                fields.Software.Add((TextExcerpt.Of(value, 100), "XMP CreatorTool"));
            }
            else if (path.EndsWith("softwareAgent", StringComparison.OrdinalIgnoreCase))
            {
                fields.Software.Add((TextExcerpt.Of(value, 100), "XMP edit history"));
            }
            else if (path.EndsWith("photoshop:History", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                fields.Software.Add(("Adobe Photoshop (history: " + TextExcerpt.Of(value, 100) + ")", "XMP photoshop:History"));
            }
        }
    }

    /// <summary>The code at the end of a DigitalSourceType URI (or the value itself).</summary>
    internal static string Code(string value)
    {
        var trimmed = value.Trim().TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return TextExcerpt.Of(slash >= 0 ? trimmed[(slash + 1)..] : trimmed, 100);
    }
}
