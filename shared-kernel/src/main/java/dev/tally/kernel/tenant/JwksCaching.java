package dev.tally.kernel.tenant;

import java.time.Duration;

/**
 * How long resource servers may cache a tenant's JWKS ({@code Cache-Control: max-age} on the JWKS and discovery
 * documents). A new signing key is published at least this long before it signs, so no cache that obeys it lacks
 * the key of a token it is shown.
 */
public final class JwksCaching {
    public static final Duration MAX_AGE = Duration.ofMinutes(5);

    private JwksCaching() {
    }
}
