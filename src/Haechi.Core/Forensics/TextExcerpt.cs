namespace Haechi.Core.Forensics;

/// <summary>Bounds free text taken from files before it reaches a report.</summary>
public static class TextExcerpt
{
    /// <summary>Default number of characters kept.</summary>
    public const int DefaultLength = 400;

    /// <summary>The first <paramref name="maxLength"/> characters, control characters replaced, with an ellipsis when cut.</summary>
    public static string Of(string text, int maxLength = DefaultLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cut = text.Length > maxLength;
        var span = cut ? text.AsSpan(0, maxLength) : text.AsSpan();
        return string.Create(span.Length + (cut ? 1 : 0), (text, span.Length, cut), static (dest, state) =>
        {
            var source = state.text.AsSpan(0, state.Length);
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                dest[i] = c is '\n' or '\t' || !char.IsControl(c) ? c : ' ';
            }

            if (state.cut)
            {
                dest[^1] = '…';
            }
        });
    }
}
