using System.ComponentModel.DataAnnotations;

namespace Haechi.Server.Features.Takedowns;

/// <summary>How notices are sent (SMTP), re-checked, re-notified and escalated (section <c>Takedowns</c>).</summary>
internal sealed class TakedownsOptions
{
    public const string Section = "Takedowns";

    /// <summary>Old key of <c>Roles:Notices</c>, used while that is unset: whether this process runs the re-check / re-notify / retry loop (unset: on).</summary>
    public bool? LoopEnabled { get; set; }

    /// <summary>How often the loop wakes up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan LoopInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often an open noticed URL is re-checked between notices.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "30.00:00:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Time between notices while content stays up (Project Arachnid: 24 h).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "30.00:00:00")]
    public TimeSpan RenotifyInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Notices after which an item still up is escalated to the police.</summary>
    [Range(1, 100)]
    public int EscalateAfterNotices { get; set; } = 3;

    /// <summary>First retry delay of a failed delivery; doubled at each attempt, capped at 6 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Delivery attempts before a notice is marked failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Re-checks may fetch loopback and private addresses (tests, intranets only).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Name of the sending organisation, in notices.</summary>
    [Required]
    [MaxLength(200)]
    public string Organisation { get; set; } = "Haechi";

    /// <summary>SMTP settings.</summary>
    [Required]
    public SmtpOptions Smtp { get; set; } = new();

    public Core.Takedowns.NoticePolicy Policy => new() { RenotifyInterval = RenotifyInterval, EscalateAfterNotices = EscalateAfterNotices };
}

/// <summary>The outgoing mail server.</summary>
internal sealed class SmtpOptions
{
    /// <summary>Host name; empty means mail notices cannot be sent (they stay pending and visible).</summary>
    [MaxLength(255)]
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary><c>None</c>, <c>Auto</c>, <c>SslOnConnect</c>, <c>StartTls</c> or <c>StartTlsWhenAvailable</c> (MailKit's SecureSocketOptions).</summary>
    [Required]
    public string Security { get; set; } = "StartTls";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Sender address.</summary>
    [Required]
    [MaxLength(320)]
    public string From { get; set; } = "notices@haechi.invalid";

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
