using System.Globalization;
using System.Text;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Haechi.Server.Features.Ingestion;

/// <summary>
/// <c>POST /admin/ingest/upload</c>, the upload form's target: the multipart body is read as a stream
/// (<see cref="MultipartReader"/>), never buffered whole in memory or in a temporary file: the antiforgery
/// field comes first (the form puts it before the file), then the zip streams into <see cref="ImportSeizedFiles"/>,
/// which takes up to <c>Ingestion:MaxUploadBytes</c> and refuses one byte more. The answer is a redirect to
/// <c>/admin/ingest</c> with the outcome in the query (the page shows it in words), so the form works without
/// script; with script the page posts it by XMLHttpRequest to show the upload's progress.
/// </summary>
internal static class UploadSeizedFiles
{
    public const string Path = "/admin/ingest/upload";

    /// <summary>Room for the multipart boundaries, headers and the antiforgery field around the zip.</summary>
    public const long MultipartOverhead = 64 * 1024;

    private const int MaxFieldBytes = 4096;

    /// <summary>The request body limit of the upload (the zip's limit and the multipart overhead), or null for other requests.</summary>
    public static long? RequestLimit(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals(Path, StringComparison.OrdinalIgnoreCase)
            ? http.RequestServices.GetRequiredService<IOptions<IngestionServerOptions>>().Value.MaxUploadBytes + MultipartOverhead
            : null;
    }

    public static async Task<Results<RedirectHttpResult, BadRequest>> HandleAsync(HttpContext http, IAntiforgery antiforgery, ImportSeizedFiles import, IOptions<IngestionServerOptions> options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(antiforgery);
        ArgumentNullException.ThrowIfNull(import);
        ArgumentNullException.ThrowIfNull(options);
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType) || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Refused(http);
        }

        if (http.Request.ContentLength > options.Value.MaxUploadBytes + MultipartOverhead)
        {
            return Outcome(http, new ImportOutcome(null, 0, 0, [], "upload-too-large"));
        }

        var reader = new MultipartReader(boundary, http.Request.Body) { HeadersLengthLimit = MaxFieldBytes };
        try
        {
            var tokenChecked = false;
            var fields = 0;
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.IsFormDisposition())
                {
                    if (++fields > 16)
                    {
                        return Refused(http);
                    }

                    // Fields before the file: the antiforgery token is checked as a header, so the framework never reads (buffers) the form.
                    var value = await ReadFieldAsync(section.Body, cancellationToken).ConfigureAwait(false);
                    if (name == "__RequestVerificationToken" && value is not null && !http.Request.Headers.ContainsKey(AntiforgeryHeader(http)))
                    {
                        http.Request.Headers[AntiforgeryHeader(http)] = value;
                    }

                    continue;
                }

                if (!tokenChecked && !await ValidAsync(http, antiforgery).ConfigureAwait(false))
                {
                    return Refused(http);
                }

                tokenChecked = true;
                if (name != "archive")
                {
                    continue;
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var outcome = await import.ExecuteAsync(section.Body, fileName, AccountsEndpoints.UserId(http.User)!, cancellationToken).ConfigureAwait(false);
                await DrainAsync(http, cancellationToken).ConfigureAwait(false);
                return Outcome(http, outcome);
            }

            return tokenChecked || await ValidAsync(http, antiforgery).ConfigureAwait(false) ? Outcome(http, new ImportOutcome(null, 0, 0, [], "empty")) : Refused(http);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Outcome(http, new ImportOutcome(null, 0, 0, [], "upload-too-large"));
        }
        catch (InvalidDataException)
        {
            // A malformed multipart body (the reader's own limits).
            return Refused(http);
        }
    }

    // 400 as it is: the status-code page (re-executed as a POST of /not-found) would turn it into something else.
    private static BadRequest Refused(HttpContext http)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }

        return TypedResults.BadRequest();
    }

    // What follows the file (the closing boundary, or the rest of a refused archive) is read and dropped, within the
    // request limit, so the client sees the answer rather than a connection cut while it still sends.
    private static async Task DrainAsync(HttpContext http, CancellationToken cancellationToken)
    {
        try
        {
            await http.Request.Body.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException)
        {
            // Over the limit: the connection closes after the answer.
        }
    }

    private static string AntiforgeryHeader(HttpContext http) =>
        http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.HeaderName ?? "RequestVerificationToken";

    private static async Task<bool> ValidAsync(HttpContext http, IAntiforgery antiforgery)
    {
        // Without the token as a header the antiforgery service would read the rest of the form: refused at once.
        if (string.IsNullOrEmpty(http.Request.Headers[AntiforgeryHeader(http)]))
        {
            return false;
        }

        try
        {
            await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    // A small form field (the token); null when it is longer than any token.
    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length > MaxFieldBytes)
            {
                await body.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                return null;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    // The page shows the outcome from its query: the batch and counts, each refusal reason with its count, or the upload's error.
    private static RedirectHttpResult Outcome(HttpContext http, ImportOutcome outcome)
    {
        // A language chosen in the query (?culture=en) stays chosen on the page.
        var culture = http.Request.Query["culture"].ToString() is "ko" or "en" ? "&culture=" + http.Request.Query["culture"] : string.Empty;
        if (outcome.Error is { } error)
        {
            return TypedResults.LocalRedirect("/admin/ingest?upload-error=" + Uri.EscapeDataString(error) + culture);
        }

        var refusals = string.Join(',', outcome.Files.Where(f => f.Status != "queued").GroupBy(f => f.Status, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key + ":" + g.Count().ToString(CultureInfo.InvariantCulture)));
        return TypedResults.LocalRedirect(string.Create(CultureInfo.InvariantCulture,
            $"/admin/ingest?batch={Uri.EscapeDataString(outcome.Batch!)}&queued={outcome.Queued}&refused={outcome.Refused}{(refusals.Length > 0 ? "&refusals=" + Uri.EscapeDataString(refusals) : string.Empty)}{culture}"));
    }
}
