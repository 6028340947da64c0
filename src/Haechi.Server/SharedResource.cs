using Microsoft.Extensions.Localization;

// The assembly is named haechi-server; resources are embedded under the root namespace.
[assembly: RootNamespace("Haechi.Server")]

namespace Haechi.Server;

/// <summary>Marker for the page strings in <c>Resources/SharedResource(.ko).resx</c>.</summary>
internal sealed class SharedResource;
