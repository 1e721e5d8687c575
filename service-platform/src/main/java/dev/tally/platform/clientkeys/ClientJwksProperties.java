package dev.tally.platform.clientkeys;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tally.client-jwks.*}: clients' {@code jwks_uri}, registered by the management API and fetched by the token
 * service to verify {@code private_key_jwt} assertions. A service that fetches a URL a tenant chose must not become a
 * way into the networks behind it, hence the address rule and the bounds.
 *
 * @param allowHttp              accept {@code http} {@code jwks_uri}s at registration (development and tests; keys
 *                               fetched over plain HTTP can be swapped by anyone on the path)
 * @param allowPrivateAddresses  fetch from loopback, private, link-local, multicast and unspecified addresses
 * @param connectTimeout         connecting to the client's server
 * @param readTimeout            waiting for its answer, from the request to the last byte
 * @param maxBytes               a JWK Set larger than this is refused
 * @param cacheTtl               how long a fetched JWK Set is used before it is fetched again
 * @param minRefetchInterval     an assertion signed with a key id the cached set lacks makes the set be fetched again,
 *                               at most once per this interval per client (a rotated key is found quickly; made-up key
 *                               ids cannot make the token service hammer the client's server)
 */
@ConfigurationProperties("tally.client-jwks")
public record ClientJwksProperties(
        @DefaultValue("false") boolean allowHttp,
        @DefaultValue("false") boolean allowPrivateAddresses,
        @DefaultValue("3s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout,
        @DefaultValue("65536") int maxBytes,
        @DefaultValue("5m") Duration cacheTtl,
        @DefaultValue("30s") Duration minRefetchInterval) {

    public ClientJwksProperties {
        for (Duration d : new Duration[] {connectTimeout, readTimeout, cacheTtl, minRefetchInterval}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalStateException("tally.client-jwks durations must be positive, not " + d);
            }
        }
        if (maxBytes < 1024) {
            throw new IllegalStateException("tally.client-jwks.max-bytes must be at least 1024, not " + maxBytes);
        }
    }

    public static ClientJwksProperties defaults() {
        return new ClientJwksProperties(false, false, Duration.ofSeconds(3), Duration.ofSeconds(5), 65536,
                Duration.ofMinutes(5), Duration.ofSeconds(30));
    }
}
