package dev.tally.token.protocol;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address a throttle counts a request under: the connection's peer ({@code HttpServletRequest.getRemoteAddr()},
 * no forwarded header is trusted here), an IPv4 address as it is, an IPv6 address by its /64 network. One host or
 * household gets a whole /64, so counting single IPv6 addresses would give an attacker 2^64 fresh counters; no two
 * unrelated customers share one.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String throttleKey(String remoteAddress) {
        if (remoteAddress == null) {
            return "";
        }
        if (remoteAddress.indexOf(':') < 0) {
            return remoteAddress;
        }
        if (Character.digit(remoteAddress.charAt(0), 16) < 0 && remoteAddress.charAt(0) != ':') {
            return remoteAddress;
        }
        InetAddress parsed;
        try {
            // starting with a hex digit or a colon and holding a colon, it is parsed as a literal, never looked up
            parsed = InetAddress.getByName(remoteAddress);
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
        if (!(parsed instanceof Inet6Address)) {
            return parsed.getHostAddress(); // an IPv4-mapped IPv6 address is its IPv4 address
        }
        byte[] bytes = parsed.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            int value = (bytes[2 * group] & 0xff) << 8 | (bytes[2 * group + 1] & 0xff);
            prefix.append(Integer.toHexString(value)).append(':');
        }
        return prefix.append(":/64").toString();
    }
}
