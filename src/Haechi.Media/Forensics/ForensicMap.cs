namespace Haechi.Media.Forensics;

/// <summary>A heatmap PNG that supports a finding, with the meaning of its colour scale.</summary>
/// <param name="Method">The finding's method id.</param>
/// <param name="Title">Short title for reports.</param>
/// <param name="Png">The heatmap with its colour bar underneath (dark blue = <paramref name="Low"/>, yellow = <paramref name="High"/>).</param>
/// <param name="Low">Value at the left end of the colour bar.</param>
/// <param name="High">Value at the right end of the colour bar.</param>
/// <param name="Unit">What the values measure.</param>
/// <param name="Values">The cell values behind the heatmap.</param>
public sealed record ForensicMap(string Method, string Title, byte[] Png, double Low, double High, string Unit, Core.Forensics.Maps.SignalMap Values);
