using Haechi.Data;

namespace Haechi.Pipeline.Telegram;

/// <summary>A report sent to the bot, as the report path takes it.</summary>
/// <param name="Urls">Links from the message and the public post it was forwarded from.</param>
/// <param name="Channel">The channel or chat it was forwarded from, when known.</param>
/// <param name="Description">The caption or text.</param>
/// <param name="PossibleMinor">Marked <c>#minor</c> / <c>#미성년</c>.</param>
/// <param name="Photo">The photo's bytes (evidence), or null.</param>
/// <param name="Video">A video's bytes (a video, an animation or a video document: evidence, fingerprinted with vPDQ), or null.</param>
/// <param name="RefusedVideo">A video the reporter sent that was not fetched (too large, unavailable): the report says so.</param>
public sealed record TelegramReport(IReadOnlyList<string> Urls, string? Channel, string? Description, bool PossibleMinor, byte[]? Photo, TelegramVideo? Video = null, TelegramRefusedMedia? RefusedVideo = null);

/// <summary>A report's video: its bytes and kind (<c>video</c>, <c>animation</c>, <c>video-document</c>).</summary>
public sealed record TelegramVideo(byte[] Bytes, string Kind);

/// <summary>A file of a report that was not fetched: its kind, why (<c>too-large</c>, <c>unavailable</c>), the declared size and the cap.</summary>
public sealed record TelegramRefusedMedia(string Kind, string Reason, long? DeclaredBytes, long MaxBytes);

/// <summary>What became of a report: its receipt, or why it was refused (a code, not text).</summary>
public sealed record TelegramReportOutcome(string? Receipt, string? RefusedBecause);

/// <summary>The bot's answers, in the server's languages.</summary>
public enum TelegramReply
{
    /// <summary>The report is stored; here is the receipt.</summary>
    Receipt,

    /// <summary>The report is stored without its video, which was too large to fetch; here is the receipt.</summary>
    ReceiptVideoTooLarge,

    /// <summary>An edited message: nothing changed; send new media as a new message.</summary>
    EditNotRead,

    /// <summary>How to report.</summary>
    Help,

    /// <summary>The file is above the size cap.</summary>
    TooLarge,

    /// <summary>The report could not be taken (not an image, bad links...).</summary>
    NotAccepted,
}

/// <summary>
/// Where the bot's reports go: the server implements it with the web form's path (report intake,
/// evidence check, sealing and bank matching), running <c>inTransaction</c> in the report's own
/// transaction so the bot's cursor passes the update in the same commit as the report.
/// </summary>
public interface ITelegramReportSink
{
    /// <summary>Stores the report; the receipt is returned only once it is durable.</summary>
    Task<TelegramReportOutcome> SubmitAsync(TelegramReport report, Func<HaechiDbContext, CancellationToken, Task> inTransaction, CancellationToken cancellationToken);

    /// <summary>The text of an answer (Korean, then English).</summary>
    string Reply(TelegramReply reply, string? receipt);
}
