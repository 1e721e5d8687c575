package dev.tally.token.settings;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tally.base-url}: where the tenants' issuers live, {@code {base-url}/t/{tenant}}.
 *
 * @param baseUrl the public base URL of the token endpoints (scheme, host, port, optional path; no query); set it in
 *                production: unset, each issuer is derived from the address a request came to, that is, from the
 *                Host header a client sends
 */
@ConfigurationProperties("tally")
public record IssuerProperties(String baseUrl) {

    public IssuerProperties {
        if (baseUrl != null && baseUrl.isBlank()) {
            baseUrl = null;
        }
        if (baseUrl != null) {
            URI uri;
            try {
                uri = URI.create(baseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("tally.base-url is not a URL: " + baseUrl);
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalStateException("tally.base-url must be an http(s) URL with a host and without query "
                        + "or fragment, not " + baseUrl);
            }
            baseUrl = baseUrl.replaceAll("/+$", "");
        }
    }
}
