package org.baton.server.session;

import java.util.Map;

/**
 * Where a request or connection came from, for the audit trail (seed 000: "IP address and user agent" with lock
 * events): the peer's network address and its {@code User-Agent}, shortened and stripped of control characters so a
 * header can neither flood nor forge audit lines. Behind a reverse proxy the address is the proxy's.
 */
public record ClientOrigin(String address, String userAgent) {
    private static final int MAX_USER_AGENT = 256;
    public static final ClientOrigin UNKNOWN = new ClientOrigin(null, null);

    public static ClientOrigin of(String address, String userAgent) {
        return new ClientOrigin(clean(address, 64), clean(userAgent, MAX_USER_AGENT));
    }

    /** Adds {@code clientAddress} and {@code userAgent} to audit details, when known. */
    public void addTo(Map<String, String> details) {
        if (address != null) {
            details.put("clientAddress", address);
        }
        if (userAgent != null) {
            details.put("userAgent", userAgent);
        }
    }

    private static String clean(String value, int max) {
        if (value == null) {
            return null;
        }
        String printable = value.replaceAll("\\p{Cntrl}", " ").strip();
        if (printable.isEmpty()) {
            return null;
        }
        return printable.length() > max ? printable.substring(0, max) : printable;
    }
}
