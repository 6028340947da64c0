namespace Haechi.Web.Client;

/// <summary>
/// The case the island adds to (after registering, or from the case page): its number and PIN, held
/// only in the page's memory and sent only in the <c>X-Case-Pin</c> header to this site.
/// </summary>
/// <param name="CaseNumber">The case number (HC-XXXXX-XXXXX).</param>
/// <param name="Pin">Its PIN.</param>
public sealed record CaseCredentials(string CaseNumber, string Pin);
