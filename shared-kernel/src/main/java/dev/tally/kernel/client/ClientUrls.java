package dev.tally.kernel.client;

import dev.tally.kernel.problem.InvalidInput;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Where the authorize endpoint may send a client's user back ({@code callbacks}, matched exactly) and where logout
 * may ({@code allowed_logout_urls}). Absolute URLs without a fragment; {@code https}, or {@code http} for
 * localhost and for native apps' custom schemes.
 */
public record ClientUrls(List<String> callbacks, List<String> allowedLogoutUrls) {
    public static final ClientUrls NONE = new ClientUrls(List.of(), List.of());

    public ClientUrls {
        callbacks = requireUrls("callbacks", callbacks);
        allowedLogoutUrls = requireUrls("allowed_logout_urls", allowedLogoutUrls);
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
