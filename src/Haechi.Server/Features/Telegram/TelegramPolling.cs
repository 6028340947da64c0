using Haechi.Data;
using Haechi.Pipeline.Ingestion;
using Haechi.Pipeline.Telegram;
using Haechi.Server.Features.Hosting;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace Haechi.Server.Features.Telegram;

/// <summary>
/// Runs the Telegram connector in this process when it has the watchers role and Telegram is
/// configured (<c>Telegram:Enabled</c> with a token: <see cref="HostRoles.Telegram"/>).
/// </summary>
internal sealed partial class TelegramPolling(
    HostRoles roles,
    RoleActivity activity,
    IOptions<TelegramOptions> options,
    DatabaseLocation location,
    IIngestionPipeline pipeline,
    ITelegramReportSink reports,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<TelegramPolling>();
    private TelegramConnector? _connector;

    /// <summary>What the connector is doing now; null when it is not running in this process.</summary>
    public TelegramRuntime? Runtime => _connector?.Runtime;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!roles.Telegram || string.IsNullOrWhiteSpace(o.BotToken))
        {
            return;
        }

        // The token is inside the client only: it is never logged, stored or shown.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(o.PollTimeoutSeconds + 30) };
        var client = new TelegramBotClient(new TelegramBotClientOptions(o.BotToken!, o.ApiBaseUrl.TrimEnd('/')) { RetryCount = 0 }, http, stoppingToken);
        var settings = new TelegramSettings(o.BotId, new HashSet<long>(o.AllowedChatIds), o.MaxFileBytes, o.PollTimeoutSeconds, TimeSpan.FromSeconds(o.MaxBackoffSeconds));
        _connector = new TelegramConnector(client, settings, StoreContextFactory.For(location), pipeline, reports, location.DataDirectory, time, loggers.CreateLogger<TelegramConnector>());
        LogStarted(_logger, o.BotId, o.AllowedChatIds.Count);
        activity.Started(BackgroundDuty.TelegramPoller);
        try
        {
            await _connector.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            activity.Failed(BackgroundDuty.TelegramPoller, ex.GetType().Name);
            throw;
        }
        finally
        {
            activity.Stopped(BackgroundDuty.TelegramPoller);
        }
    }

    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Telegram connector started for bot {BotId}, {AllowedChats} allowed chats")]
    private static partial void LogStarted(ILogger logger, long botId, int allowedChats);
}
