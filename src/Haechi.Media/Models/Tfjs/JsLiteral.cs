using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Haechi.Media.Models.Tfjs;

/// <summary>
/// Reads the data that browserify bundles carry (nsfwjs ships its model as <c>model.min.js</c>
/// whose module exports the model.json object as a JavaScript literal, and each weight shard as a
/// module exporting a base64 string). Only literals are read, never executed: objects with bare or
/// quoted keys, arrays, strings, numbers (<c>.5</c>, <c>1e-3</c>), <c>null</c>, <c>true</c>/<c>false</c>
/// and the minifier's <c>!0</c>/<c>!1</c>.
/// </summary>
internal static class JsLiteral
{
    private const string ExportsMarker = ".exports=";

    /// <summary>The object literal the bundle's first module exports, as JSON.</summary>
    public static JsonObject ExportedObject(string bundle)
    {
        var start = FindExport(bundle, '{');
        var position = start;
        var value = ParseValue(bundle, ref position);
        return value as JsonObject ?? throw new ModelConversionException("The bundle does not export an object.");
    }

    /// <summary>The string literal the bundle's first module exports (e.g. base64 weights).</summary>
    public static string ExportedString(string bundle)
    {
        var start = FindExport(bundle, '"');
        var position = start;
        return ParseString(bundle, ref position);
    }

    /// <summary>Parses one literal (for tests and for callers that located it themselves).</summary>
    public static JsonNode? Parse(string text)
    {
        var position = 0;
        var value = ParseValue(text, ref position);
        SkipWhitespace(text, ref position);
        if (position != text.Length)
        {
            throw Error(text, position, "unexpected text after the literal");
        }

        return value;
    }

    private static int FindExport(string bundle, char opening)
    {
        var index = 0;
        while ((index = bundle.IndexOf(ExportsMarker, index, StringComparison.Ordinal)) >= 0)
        {
            index += ExportsMarker.Length;
            if (index < bundle.Length && bundle[index] == opening)
            {
                return index;
            }
        }

        throw new ModelConversionException($"The bundle has no module that exports a literal starting with '{opening}'.");
    }

    private static JsonNode? ParseValue(string s, ref int i)
    {
        SkipWhitespace(s, ref i);
        if (i >= s.Length)
        {
            throw Error(s, i, "unexpected end");
        }

        var c = s[i];
        switch (c)
        {
            case '{':
                return ParseObject(s, ref i);
            case '[':
                return ParseArray(s, ref i);
            case '"' or '\'':
                return JsonValue.Create(ParseString(s, ref i));
            case '!':
                // Minified booleans: !0 is true, !1 is false.
                if (i + 1 < s.Length && s[i + 1] is '0' or '1')
                {
                    var result = s[i + 1] == '0';
                    i += 2;
                    return JsonValue.Create(result);
                }

                throw Error(s, i, "unexpected '!'");
            default:
                if (c == '-' || c == '+' || c == '.' || char.IsAsciiDigit(c))
                {
                    return JsonValue.Create(ParseNumber(s, ref i));
                }

                var word = ParseIdentifier(s, ref i);
                return word switch
                {
                    "null" => null,
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    _ => throw Error(s, i, $"unexpected identifier '{word}'"),
                };
        }
    }

    private static JsonObject ParseObject(string s, ref int i)
    {
        var result = new JsonObject();
        i++; // {
        while (true)
        {
            SkipWhitespace(s, ref i);
            if (i < s.Length && s[i] == '}')
            {
                i++;
                return result;
            }

            var key = i < s.Length && s[i] is '"' or '\'' ? ParseString(s, ref i) : ParseIdentifier(s, ref i);
            SkipWhitespace(s, ref i);
            Expect(s, ref i, ':');
            result[key] = ParseValue(s, ref i);
            SkipWhitespace(s, ref i);
            if (i < s.Length && s[i] == ',')
            {
                i++;
                continue;
            }

            SkipWhitespace(s, ref i);
            Expect(s, ref i, '}');
            return result;
        }
    }

    private static JsonArray ParseArray(string s, ref int i)
    {
        var result = new JsonArray();
        i++; // [
        while (true)
        {
            SkipWhitespace(s, ref i);
            if (i < s.Length && s[i] == ']')
            {
                i++;
                return result;
            }

            result.Add(ParseValue(s, ref i));
            SkipWhitespace(s, ref i);
            if (i < s.Length && s[i] == ',')
            {
                i++;
                continue;
            }

            Expect(s, ref i, ']');
            return result;
        }
    }

    private static string ParseString(string s, ref int i)
    {
        var quote = s[i++];
        var builder = new StringBuilder();
        while (i < s.Length)
        {
            var c = s[i++];
            if (c == quote)
            {
                return builder.ToString();
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (i >= s.Length)
            {
                break;
            }

            var e = s[i++];
            switch (e)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case '0': builder.Append('\0'); break;
                case 'u' when i + 4 <= s.Length:
                    builder.Append((char)int.Parse(s.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case 'x' when i + 2 <= s.Length:
                    builder.Append((char)int.Parse(s.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                default: builder.Append(e); break;
            }
        }

        throw Error(s, i, "unterminated string");
    }

    private static double ParseNumber(string s, ref int i)
    {
        var start = i;
        if (s[i] is '-' or '+')
        {
            i++;
        }

        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] is '.' or 'e' or 'E' || (s[i] is '-' or '+' && s[i - 1] is 'e' or 'E')))
        {
            i++;
        }

        var text = s.AsSpan(start, i - start);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(s, start, "bad number");
        }

        return value;
    }

    private static string ParseIdentifier(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '$'))
        {
            i++;
        }

        if (i == start)
        {
            throw Error(s, i, "expected a key or value");
        }

        return s[start..i];
    }

    private static void SkipWhitespace(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }

    private static void Expect(string s, ref int i, char c)
    {
        if (i >= s.Length || s[i] != c)
        {
            throw Error(s, i, $"expected '{c}'");
        }

        i++;
    }

    private static ModelConversionException Error(string s, int position, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Cannot read the JavaScript literal at offset {position} of {s.Length}: {what}."));
}
