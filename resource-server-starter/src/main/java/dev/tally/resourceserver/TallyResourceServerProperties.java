package dev.tally.resourceserver;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The starter's settings, all under {@code tally.}; every default is here.
 *
 * @param issuerUri   the tenant's issuer ({@code https://tally.example.com/t/acme}): discovery, keys and the
 *                    {@code iss} every token must carry
 * @param audience    the API identifiers this application accepts ({@code aud}: at least one must match)
 * @param revocations how the tenant's revocation list is followed
 */
@ConfigurationProperties("tally")
public record TallyResourceServerProperties(URI issuerUri, List<String> audience,
                                            @DefaultValue Revocations revocations) {
    public TallyResourceServerProperties {
        if (issuerUri == null) {
            throw new IllegalArgumentException("tally.issuer-uri is required");
        }
        if (audience == null || audience.isEmpty()) {
            throw new IllegalArgumentException("tally.audience is required: the identifier of the API this application is");
        }
        audience = List.copyOf(audience);
    }

    /** The issuer as tokens carry it: no trailing slash. */
    public String issuer() {
        String text = issuerUri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** The revocation list's address: {@code revocations.uri}, or {@code {issuer}/revocations}. */
    public URI revocationsUri() {
        return revocations.uri() != null ? revocations.uri() : URI.create(issuer() + "/revocations");
    }

    /**
     * @param enabled      false only where revoked tokens may be accepted until they expire
     * @param clientId     a client of the tenant with {@code management_scopes} {@code ["revocations:read"]}: the
     *                     starter gets a management token for it by client credentials and renews it
     * @param clientSecret that client's secret
     * @param uri          where the list is read, when not under the issuer (a proxy, the query service's own address)
     * @param interval     the wait between the end of one poll and the start of the next
     * @param timeout      the bound on each request (connect and answer) of a poll
     * @param maxStaleness how long after the last complete poll the list still counts as current
     * @param whenStale    what a token gets once the list is older than {@code maxStaleness}, or before the first poll
     *                     has completed
     * @param retention    how long a revoked session, family, subject or key is kept (tokens carry no link back to
     *                     them): the longest lifetime of the tokens this API accepts; a revoked jti is kept until the
     *                     token's own expiry
     * @param pageSize     entries asked for per request
     */
    public record Revocations(@DefaultValue("true") boolean enabled, String clientId, String clientSecret, URI uri,
                              @DefaultValue("5s") Duration interval, @DefaultValue("2s") Duration timeout,
                              @DefaultValue("30s") Duration maxStaleness, @DefaultValue("refuse") WhenStale whenStale,
                              @DefaultValue("30d") Duration retention, @DefaultValue("500") int pageSize) {
        public Revocations {
            if (enabled && (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank())) {
                throw new IllegalArgumentException("tally.revocations.client-id and tally.revocations.client-secret are "
                        + "required (a client with management_scopes [\"revocations:read\"]), or set "
                        + "tally.revocations.enabled=false to accept revoked tokens until they expire");
            }
            positive("tally.revocations.interval", interval);
            positive("tally.revocations.timeout", timeout);
            positive("tally.revocations.retention", retention);
            if (maxStaleness.compareTo(interval.plus(timeout)) < 0) {
                // below one poll's own delay the list would count as stale between two healthy polls
                throw new IllegalArgumentException("tally.revocations.max-staleness (" + maxStaleness
                        + ") must be at least interval + timeout (" + interval.plus(timeout) + ")");
            }
            if (pageSize < 1 || pageSize > 1000) {
                throw new IllegalArgumentException("tally.revocations.page-size must be between 1 and 1000");
            }
        }

        /** Without the secret: a record's own toString would print it wherever the settings are logged. */
        @Override
        public String toString() {
            return "Revocations[enabled=" + enabled + ", clientId=" + clientId + ", clientSecret=" + (clientSecret == null
                    ? null : "******") + ", uri=" + uri + ", interval=" + interval + ", timeout=" + timeout
                    + ", maxStaleness=" + maxStaleness + ", whenStale=" + whenStale + ", retention=" + retention
                    + ", pageSize=" + pageSize + "]";
        }

        /** The longest a revocation listed by Tally takes to be refused here, while polls succeed. */
        public Duration delayBound() {
            return interval.plus(timeout);
        }

        private static void positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
        }
    }

    /** What a token gets while the revocation list is not current. */
    public enum WhenStale {
        /** 401 {@code invalid_token}: no revoked token gets in, and neither does any other (the default). */
        REFUSE,
        /** Accepted as if the list were current: the API stays up, and a revocation since the last poll is missed. */
        ACCEPT
    }
}
