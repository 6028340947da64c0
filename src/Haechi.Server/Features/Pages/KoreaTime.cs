using System.Globalization;

namespace Haechi.Server.Features.Pages;

/// <summary>Times on staff pages in Korea's time zone (KST, UTC+9 all year: Korea keeps no daylight saving time).</summary>
internal static class KoreaTime
{
    /// <summary>Korea's offset from UTC.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(9);

    /// <summary><paramref name="at"/> as <c>2026-12-07 21:05 KST</c> (the same in both languages).</summary>
    public static string Format(DateTimeOffset at) => at.ToOffset(Offset).ToString("yyyy-MM-dd HH:mm 'KST'", CultureInfo.InvariantCulture);

    /// <summary>The day of <paramref name="at"/> in Korea, as <c>2026-12-07 KST</c>.</summary>
    public static string FormatDate(DateTimeOffset at) => at.ToOffset(Offset).ToString("yyyy-MM-dd 'KST'", CultureInfo.InvariantCulture);
}
