using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Haechi.Media.Models.Tfjs;

/// <summary>Reads numbers from model JSON whether they were parsed from text or built in memory.</summary>
internal static class JsonNumbers
{
    public static double Number(this JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            throw new ModelConversionException("Expected a number in the model file.");
        }

        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.Number => element.GetDouble(),
                JsonValueKind.String => double.Parse(element.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
                _ => throw new ModelConversionException("Expected a number in the model file."),
            };
        }

        if (value.TryGetValue<string>(out var text))
        {
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public static int Integer(this JsonNode? node) => (int)node.Number();
}
