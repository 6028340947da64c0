using System.Net;
using System.Net.Sockets;

namespace Haechi.Pipeline.Fetching;

/// <summary>
/// Which IP addresses the watcher may connect to: public unicast only, unless private addresses
/// are allowed (tests, an on-premises deployment watching an intranet).
/// </summary>
public static class AddressPolicy
{
    /// <summary>True for loopback, unspecified, RFC 1918, link-local, CGNAT (100.64/10), multicast, broadcast, reserved, IPv6 ULA/site-local, and IPv4-mapped forms of them.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                0 => true, // "this network"
                10 => true,
                127 => true,
                100 => b[1] is >= 64 and <= 127, // CGNAT
                169 => b[1] == 254, // link-local
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99), // private, IETF, TEST-NET-1, 6to4 relay
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100), // benchmarking, TEST-NET-2
                203 => b[1] == 0 && b[2] == 113, // TEST-NET-3
                >= 224 => true, // multicast, reserved, broadcast
                _ => false,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
            {
                return true;
            }

            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);

            // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address: judge that one.
            if (b[..12].IndexOfAnyExcept((byte)0) < 0)
            {
                return IsPrivate(new IPAddress(b[12..]));
            }

            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..12].IndexOfAnyExcept((byte)0) < 0)
            {
                return IsPrivate(new IPAddress(b[12..]));
            }

            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsPrivate(new IPAddress(b[2..6]));
            }

            return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8; // documentation
        }

        return true;
    }
}
