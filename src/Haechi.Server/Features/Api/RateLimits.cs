namespace Haechi.Server.Features.Api;

/// <summary>Names of the per-client rate-limit policies.</summary>
internal static class RateLimits
{
    /// <summary>Anything that checks a case PIN (API and the case page).</summary>
    public const string PinChecks = "pin-checks";

    /// <summary>New cases and reports.</summary>
    public const string Submissions = "submissions";

    /// <summary>A reporter's look-up of her receipt (API and page): a receipt is a secret, guessed at no faster than this.</summary>
    public const string ReceiptChecks = "receipt-checks";
}
