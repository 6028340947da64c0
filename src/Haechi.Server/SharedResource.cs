namespace Haechi.Server;

/// <summary>Marker for the page strings in <c>Resources/SharedResource(.ko).resx</c>.</summary>
internal sealed class SharedResource;
