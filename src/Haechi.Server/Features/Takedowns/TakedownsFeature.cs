using System.Security.Claims;
using Haechi.Pipeline.Fetching;
using Haechi.Pipeline.Notices;
using Haechi.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Haechi.Server.Features.Takedowns;

/// <summary>Takedown notices: platform contacts, notices from confirmed review items, the re-check / re-notify loop and statistics.</summary>
internal static class TakedownsFeature
{
    public static IServiceCollection AddTakedowns(this IServiceCollection services)
    {
        services.AddHttpClient(DeliverNotice.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });
        services.TryAddSingleton(sp => new SafeFetcher(
            FetchOptions.Default with { AllowPrivateAddresses = sp.GetRequiredService<IOptions<TakedownsOptions>>().Value.AllowPrivateAddresses },
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RecheckNoticedItem(sp.GetRequiredService<SafeFetcher>(), time: sp.GetRequiredService<TimeProvider>()));
        services.TryAddScoped<ManageContacts>();
        services.TryAddScoped<DeliverNotice>();
        services.TryAddScoped<SendNotice>();
        services.TryAddScoped<RunNoticeLoop>();
        services.TryAddScoped<GetTakedownStatistics>();
        services.TryAddScoped<ListNotices>();
        services.AddHostedService<ContactPresets>();
        services.TryAddScoped<GetNoticeHistory>();
        services.TryAddScoped<RecordHostReply>();
        services.AddHostedService<NoticeLoopService>();
        return services;
    }

    public static IEndpointRouteBuilder MapTakedownsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/takedowns").WithTags("Takedowns").RequireAuthorization(Policies.Review);
        read.MapGet("/contacts", async (ManageContacts contacts, CancellationToken ct) => TypedResults.Ok(await contacts.ListAsync(ct).ConfigureAwait(false)))
            .WithSummary("Platform and host contacts (webhook secrets are never returned).");
        read.MapGet("/notices", async (ListNotices list, CancellationToken ct) => TypedResults.Ok(await list.ExecuteAsync(ct).ConfigureAwait(false)))
            .WithSummary("Notices with their delivery (pending, sent, failed, attempts, last error) and noticed items with their status.");
        read.MapGet("/statistics", async (GetTakedownStatistics stats, CancellationToken ct) => TypedResults.Ok(await stats.ExecuteAsync(ct).ConfigureAwait(false)))
            .WithSummary("Notices sent, removals, median and 90th-percentile time to removal per host and platform, open items by age, reports by source and category.");
        read.MapGet("/review-items/{id:long}/history", ReviewHistoryAsync)
            .WithSummary("The review item's decision (by name), its noticed URLs with the notices sent, re-checks, host replies, and its police referrals.");
        read.MapGet("/noticed-items/{id:long}", NoticedHistoryAsync).WithSummary("One noticed URL with its notices, re-checks, host replies (by name) and police referral.");
        read.MapGet("/review-items/{id:long}/notice", PreviewAsync).WithSummary("Preview of the notice for a confirmed review item with a URL: contact by host, channel, text.");

        var write = endpoints.MapGroup("/api/takedowns").WithTags("Takedowns").RequireAuthorization(Policies.Decide);
        write.MapPost("/contacts", CreateContactAsync).WithSummary("Adds a contact (audited).");
        write.MapPut("/contacts/{id:long}", UpdateContactAsync).WithSummary("Changes a contact (audited); an empty webhook secret keeps the old one.");
        write.MapPost("/noticed-items/{id:long}/replies", ReplyAsync)
            .WithSummary("Records a host's reply: unavailable, moved (movedToUrl, optional contactId: the new URL is noticed), notIllegal (text: the host's reason; flagged for a second look), removedByHost (re-checked at once) or note (text). Audited.");
        write.MapPost("/noticed-items/{id:long}/second-look", SecondLookAsync)
            .WithSummary("An analyst's second look at a flagged item: agree=true accepts the host's answer, false sends it back to the host (notices resume). Audited.");
        write.MapPost("/review-items/{id:long}/notice", SendAsync).WithSummary("Sends the notice for a confirmed review item (audited), delivered at once or retried with back-off.");

        endpoints.MapGet("/stats.csv", CsvAsync).RequireAuthorization(Policies.Review).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<Results<Ok<NoticeHistoryView>, NotFound>> ReviewHistoryAsync(long id, GetNoticeHistory history, CancellationToken cancellationToken) =>
        await history.ForReviewItemAsync(id, cancellationToken).ConfigureAwait(false) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Ok<NoticedItemHistory>, NotFound>> NoticedHistoryAsync(long id, GetNoticeHistory history, CancellationToken cancellationToken) =>
        await history.ForNoticedItemAsync(id, cancellationToken).ConfigureAwait(false) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Ok<HostReplyRecorded>, NotFound, ValidationProblem, Conflict<HttpValidationProblemDetails>>> ReplyAsync(long id, HostReplyRequest request, ClaimsPrincipal principal, RecordHostReply replies, CancellationToken cancellationToken)
    {
        var (outcome, recorded, errors) = await replies.ExecuteAsync(id, request, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false);
        return outcome switch
        {
            ReplyOutcome.Recorded => TypedResults.Ok(recorded!),
            ReplyOutcome.Invalid => TypedResults.ValidationProblem(errors),
            ReplyOutcome.NotAllowed => TypedResults.Conflict(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status409Conflict, Title = "Reply does not fit the item's status" }),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<NoContent, NotFound, Conflict>> SecondLookAsync(long id, SecondLookRequest request, ClaimsPrincipal principal, RecordHostReply replies, CancellationToken cancellationToken) =>
        await replies.SecondLookAsync(id, request?.Agree ?? true, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false) switch
        {
            ReplyOutcome.Recorded => TypedResults.NoContent(),
            ReplyOutcome.NotAllowed => TypedResults.Conflict(),
            _ => TypedResults.NotFound(),
        };

    private static async Task<Results<Ok<NoticePreview>, NotFound>> PreviewAsync(long id, [FromQuery] long? contactId, SendNotice send, CancellationToken cancellationToken) =>
        await send.PreviewAsync(id, contactId, cancellationToken).ConfigureAwait(false) is { } preview ? TypedResults.Ok(preview) : TypedResults.NotFound();

    private static async Task<Results<Ok<NoticeSent>, NotFound, Conflict<NoticeSent>>> SendAsync(long id, SendNoticeRequest? request, ClaimsPrincipal principal, SendNotice send, CancellationToken cancellationToken)
    {
        var sent = await send.ExecuteAsync(id, request?.ContactId, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false);
        return sent switch
        {
            null => TypedResults.NotFound(),
            { NoticeId: 0 } => TypedResults.Conflict(sent),
            _ => TypedResults.Ok(sent),
        };
    }

    private static async Task<Results<Created<ContactView>, ValidationProblem>> CreateContactAsync(ContactRequest request, ClaimsPrincipal principal, ManageContacts contacts, CancellationToken cancellationToken)
    {
        var (contact, errors) = await contacts.SaveAsync(null, request, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false);
        return contact is null ? TypedResults.ValidationProblem(errors!) : TypedResults.Created($"/api/takedowns/contacts/{contact.Id}", contact);
    }

    private static async Task<Results<Ok<ContactView>, NotFound, ValidationProblem>> UpdateContactAsync(long id, ContactRequest request, ClaimsPrincipal principal, ManageContacts contacts, CancellationToken cancellationToken)
    {
        var (contact, errors) = await contacts.SaveAsync(id, request, AccountsEndpoints.UserId(principal)!, cancellationToken).ConfigureAwait(false);
        return contact is not null ? TypedResults.Ok(contact) : errors is null ? TypedResults.NotFound() : TypedResults.ValidationProblem(errors);
    }

    private static async Task<FileContentHttpResult> CsvAsync(GetTakedownStatistics stats, CancellationToken cancellationToken)
    {
        var csv = GetTakedownStatistics.ToCsv(await stats.ExecuteAsync(cancellationToken).ConfigureAwait(false));
        return TypedResults.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "haechi-statistics.csv");
    }
}

/// <summary>An analyst's second look: agree with the host's answer, or dispute it.</summary>
internal sealed record SecondLookRequest(bool? Agree);

/// <summary>Optional contact chosen by the analyst instead of the host match.</summary>
internal sealed record SendNoticeRequest(long? ContactId);
