namespace Haechi.Cli.Video;

/// <summary>Tells video files from images by their extension, for commands that accept both.</summary>
internal static class VideoFiles
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".flv", ".3gp", ".ts", ".mts", ".mpg", ".mpeg", ".ogv",
    };

    /// <summary>True for the video containers FFmpeg reads that Haechi treats as videos.</summary>
    public static bool IsVideo(string path) => Extensions.Contains(Path.GetExtension(path));
}
