using Haechi.Pipeline.Matching;
using Haechi.Server.Data;
using Haechi.Server.Features.Accounts;
using Haechi.Server.Features.Api;
using Haechi.Server.Features.Cases;
using Haechi.Server.Features.Evidence;
using Haechi.Server.Features.Health;
using Haechi.Server.Features.Hosting;
using Haechi.Server.Features.Ingestion;
using Haechi.Server.Features.Investigations;
using Haechi.Server.Features.Pages;
using Haechi.Server.Features.Police;
using Haechi.Server.Features.Reports;
using Haechi.Server.Features.Review;
using Haechi.Server.Features.Takedowns;
using Haechi.Server.Features.Telegram;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<CasesOptions>().BindConfiguration(CasesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<TakedownsOptions>().BindConfiguration(TakedownsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<PagesOptions>().BindConfiguration(PagesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<RolesOptions>().BindConfiguration(RolesOptions.Section, o => o.ErrorOnUnknownConfiguration = true).ValidateDataAnnotations().ValidateOnStart();

builder.Services.AddHaechiStore();
builder.Services.AddRoles();
builder.Services.AddAccounts();
builder.Services.AddOptions<MatchingOptions>().BindConfiguration("Matching");
builder.Services.AddMatching();
builder.Services.AddApi();
builder.Services.AddCases();
builder.Services.AddReview();
builder.Services.AddEvidence();
builder.Services.AddTakedowns();
builder.Services.AddPolice();
builder.Services.AddReports();
builder.Services.AddIngestion();
builder.Services.AddTelegram();
builder.Services.AddInvestigations();
builder.Services.AddHealth();
builder.Services.AddPages();

var app = builder.Build();

app.UseApi();

// Every process answers /api/health; a worker process (Roles:Web=false) answers nothing else.
app.MapHealthEndpoints();
if (app.Services.GetRequiredService<HostRoles>().Web)
{
    app.UseAccounts();
    app.UsePages();
    app.UseRateLimiter();

    app.MapApiEndpoints();
    app.MapAccountsEndpoints();
    app.MapCasesEndpoints();
    app.MapReportsEndpoints();
    app.MapReviewEndpoints();
    app.MapEvidenceEndpoints();
    app.MapTakedownsEndpoints();
    app.MapPoliceEndpoints();
    app.MapIngestionEndpoints();
    app.MapTelegramEndpoints();
    app.MapInvestigationsEndpoints();
    app.MapPagesEndpoints();
}

await app.RunAsync().ConfigureAwait(false);
