using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Haechi.Server.Features.Api;

/// <summary>
/// Turns requests the framework cannot bind (malformed JSON, a wrong type, a body over the limit)
/// into problem details with the framework's message and the JSON path, instead of a bare status.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = bad.Message;
        if (bad.InnerException is JsonException { Path: { } path })
        {
            detail += " The value at " + path + " is not valid.";
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request", Detail = detail },
        }).ConfigureAwait(false);
    }
}
