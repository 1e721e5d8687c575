package dev.tally.token.settings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code tally.cookies.*}: the browser-facing endpoints' cookies.
 *
 * @param secure {@code true} or {@code false} forces the cookies' {@code Secure} attribute; unset, it is set
 *               exactly when the request came over HTTPS (behind a TLS-terminating proxy, set {@code true})
 */
@ConfigurationProperties("tally.cookies")
public record CookieProperties(Boolean secure) {
}
