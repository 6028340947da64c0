using System.Globalization;

namespace Haechi.Server.Features.Pages;

/// <summary>Times on staff pages in Korea's time zone (KST, UTC+9 all year: Korea keeps no daylight saving time).</summary>
internal static class KoreaTime
{
    /// <summary>Korea's offset from UTC.</summary>
    public static readonly TimeSpan Offset = TimeSpan.FromHours(9);

    /// <summary><paramref name="at"/> as <c>2026-12-07 21:05 KST</c> (the same in both languages).</summary>
    public static string Format(DateTimeOffset at) => at.ToOffset(Offset).ToString("yyyy-MM-dd HH:mm 'KST'", CultureInfo.InvariantCulture);
}
