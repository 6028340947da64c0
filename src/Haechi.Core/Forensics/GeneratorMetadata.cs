using System.Text.Json;

namespace Haechi.Core.Forensics;

/// <summary>A generator's own record found in a file's metadata.</summary>
/// <param name="Tool">The tool family (e.g. <c>AUTOMATIC1111/Forge</c>, <c>ComfyUI</c>).</param>
/// <param name="Source">Where it was found (e.g. <c>PNG tEXt "parameters"</c>, <c>EXIF UserComment</c>).</param>
/// <param name="Excerpt">The start of the record, bounded.</param>
public sealed record GeneratorRecord(string Tool, string Source, string Excerpt);

/// <summary>
/// Recognises the text that image generators write about themselves: AUTOMATIC1111/Forge
/// <c>parameters</c>, ComfyUI <c>prompt</c>/<c>workflow</c> graphs, InvokeAI keys, NovelAI
/// <c>Software</c>/<c>Comment</c>, and the same A1111 text in EXIF <c>UserComment</c>.
/// </summary>
/// <remarks>
/// These records prove only that a generator wrote them: anyone can remove them (most platforms
/// strip metadata) or forge them. Their presence is strong evidence; their absence is none.
/// </remarks>
public static class GeneratorMetadata
{
    private static readonly string[] InvokeAiKeys = ["invokeai_metadata", "invokeai_graph", "sd-metadata", "Dream"];

    /// <summary>Identifies the generator behind one key/value record, or returns null.</summary>
    /// <param name="key">The record's key (PNG keyword, or a metadata tag name).</param>
    /// <param name="value">The record's text.</param>
    /// <param name="source">Where it was found, for the report.</param>
    public static GeneratorRecord? Identify(string key, string value, string source)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var tool = IdentifyTool(key, value);
        return tool is null ? null : new GeneratorRecord(tool, source, TextExcerpt.Of(value));
    }

    private static string? IdentifyTool(string key, string value)
    {
        if (key.Equals("parameters", StringComparison.OrdinalIgnoreCase) || key.Equals("UserComment", StringComparison.OrdinalIgnoreCase))
        {
            if (LooksLikeA1111(value))
            {
                return value.Contains("Version: f", StringComparison.Ordinal) ? "Stable Diffusion WebUI Forge" : "AUTOMATIC1111/Forge Stable Diffusion WebUI";
            }

            if (key.Equals("parameters", StringComparison.OrdinalIgnoreCase) && value.Length > 0)
            {
                return "Stable Diffusion WebUI (unrecognised parameters)";
            }
        }

        if (key.Equals("prompt", StringComparison.OrdinalIgnoreCase) && IsJsonWith(value, "class_type"))
        {
            return "ComfyUI";
        }

        if (key.Equals("workflow", StringComparison.OrdinalIgnoreCase) && IsJsonWith(value, "nodes"))
        {
            return "ComfyUI";
        }

        foreach (var invoke in InvokeAiKeys)
        {
            if (key.Equals(invoke, StringComparison.OrdinalIgnoreCase))
            {
                return "InvokeAI";
            }
        }

        if (key.Equals("Software", StringComparison.OrdinalIgnoreCase) && value.Contains("NovelAI", StringComparison.OrdinalIgnoreCase))
        {
            return "NovelAI";
        }

        if (key.Equals("Source", StringComparison.OrdinalIgnoreCase) && value.Contains("NovelAI", StringComparison.OrdinalIgnoreCase))
        {
            return "NovelAI";
        }

        if (key.Equals("Comment", StringComparison.OrdinalIgnoreCase) && IsJsonWith(value, "sampler") && IsJsonWith(value, "steps"))
        {
            return "NovelAI (generation settings in Comment)";
        }

        if (key.Equals("Software", StringComparison.OrdinalIgnoreCase) || key.Equals("Creator Tool", StringComparison.OrdinalIgnoreCase))
        {
            return KnownGeneratorSoftware(value);
        }

        return null;
    }

    /// <summary>Generator names seen in Software/CreatorTool fields.</summary>
    private static string? KnownGeneratorSoftware(string value)
    {
        string[] names = ["Stable Diffusion", "ComfyUI", "InvokeAI", "Midjourney", "DALL-E", "DALL·E", "Firefly", "Imagen", "Flux", "Fooocus", "DreamStudio", "Leonardo"];
        foreach (var name in names)
        {
            if (value.Contains(name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return null;
    }

    private static bool LooksLikeA1111(string value) =>
        value.Contains("Steps: ", StringComparison.Ordinal) &&
        (value.Contains("Sampler: ", StringComparison.Ordinal) || value.Contains("CFG scale: ", StringComparison.Ordinal) || value.Contains("Seed: ", StringComparison.Ordinal));

    /// <summary>True when <paramref name="value"/> parses as JSON (depth-capped) and names <paramref name="property"/> anywhere.</summary>
    private static bool IsJsonWith(string value, string property)
    {
        var trimmed = value.AsSpan().TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '['))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(value), new JsonReaderOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip });
            var found = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(property))
                {
                    found = true;
                }
            }

            return found;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
