package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Where the authorize endpoint may send a client's user back ({@code callbacks}, matched exactly) and where logout
 * may ({@code allowed_logout_urls}). Absolute URLs without a fragment; {@code https}, or {@code http} for
 * localhost and for native apps' custom schemes.
 *
 * <p>The origins of the callbacks ({@link #origins()}) are where a browser application of the client runs, so the
 * token service lets pages of those origins read its answers (CORS).
 */
public record ClientUrls(List<String> callbacks, List<String> allowedLogoutUrls) {
    public static final ClientUrls NONE = new ClientUrls(List.of(), List.of());

    public ClientUrls {
        callbacks = requireUrls("callbacks", callbacks);
        allowedLogoutUrls = requireUrls("allowed_logout_urls", allowedLogoutUrls);
    }

    /**
     * The web origins of the callbacks, as a browser writes them in its {@code Origin} header (RFC 6454 §6.1):
     * {@code scheme://host}, with {@code :port} only when it is not the scheme's default, scheme and host in lower
     * case. Callbacks without a host (a native app's custom scheme) have no web origin.
     */
    public List<String> origins() {
        LinkedHashSet<String> origins = new LinkedHashSet<>();
        for (String callback : callbacks) {
            String origin = origin(callback);
            if (origin != null) {
                origins.add(origin);
            }
        }
        return List.copyOf(origins);
    }

    /** The web origin of an http(s) URL, null for any other. */
    static String origin(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || !("https".equals(scheme) || "http".equals(scheme))) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (port == 443 && scheme.equals("https")) || (port == 80 && scheme.equals("http"));
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static List<String> requireUrls(String field, List<String> urls) {
        if (urls == null) {
            return List.of();
        }
        if (urls.size() > 50) {
            throw new InvalidInput(field, "may hold at most 50 URLs");
        }
        for (String url : urls) {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException | NullPointerException e) {
                throw new InvalidInput(field, "'" + url + "' is not a URL");
            }
            if (!uri.isAbsolute() || uri.getFragment() != null) {
                throw new InvalidInput(field, "'" + url + "' must be an absolute URL without a fragment");
            }
            String host = uri.getHost();
            boolean local = host != null && (host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
            if ("http".equals(uri.getScheme()) && !local) {
                throw new InvalidInput(field, "'" + url + "' must use https (http only for localhost)");
            }
        }
        return List.copyOf(new LinkedHashSet<>(urls));
    }
}
