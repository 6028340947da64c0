using Microsoft.AspNetCore.Identity;

namespace Haechi.Data.Accounts;

/// <summary>A signed-in user of the analysts' side (analyst, investigator, admin). Victims have no account.</summary>
public sealed class HaechiUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A one-time invitation to create an account with a role; only the SHA-256 of its token is stored.</summary>
public sealed class InviteRecord
{
    public long Id { get; set; }

    /// <summary>SHA-256 of the token in the link.</summary>
    public required byte[] TokenHash { get; set; }

    public required string Role { get; set; }

    /// <summary>Id of the admin who created it.</summary>
    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>Id of the account created with it.</summary>
    public string? UsedBy { get; set; }
}
