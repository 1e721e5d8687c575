package dev.tally.token.protocol;

import dev.tally.token.settings.IssuerProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Each tenant is its own issuer at {@code {base}/t/{tenant}}. The base is {@code tally.base-url} when set (set it in
 * production: an issuer must not depend on the Host header a client sends), else the address the request came to.
 */
@Component
public class Issuers {
    private final String configuredBase;

    public Issuers(IssuerProperties properties) {
        this.configuredBase = properties.baseUrl();
    }

    public String issuer(String tenantId, HttpServletRequest request) {
        String base = configuredBase != null ? configuredBase
                : ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).build().toUriString();
        return base + "/t/" + tenantId;
    }
}
