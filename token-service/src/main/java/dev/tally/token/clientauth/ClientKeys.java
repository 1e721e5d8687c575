package dev.tally.token.clientauth;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.platform.clientkeys.ClientJwksProperties;
import dev.tally.platform.clientkeys.ClientKeySets;
import dev.tally.token.view.TokenConfigState.ClientView;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * A client's public keys: those it registered ({@code jwks}, held by the client's view), or those its
 * {@code jwks_uri} serves, fetched and kept for {@code tally.client-jwks.cache-ttl}. An assertion naming a key id the
 * kept set lacks (the client has rotated its key) makes the set be fetched again, at most once per
 * {@code min-refetch-interval} per client, so made-up key ids cannot turn the token service against the client's
 * server. The cache holds one set per client and URI; a client whose URI changes starts afresh.
 */
@Component
public class ClientKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ClientKeys.class);
    private final ClientJwksProperties settings;
    private final JwksUriFetcher fetcher;
    private final Clock clock;
    private final Map<String, Fetched> cache = new ConcurrentHashMap<>();

    @Autowired
    public ClientKeys(ClientJwksProperties settings, Clock clock) {
        this(settings, new JwksUriFetcher(settings), clock);
    }

    ClientKeys(ClientJwksProperties settings, JwksUriFetcher fetcher, Clock clock) {
        this.settings = settings;
        this.fetcher = fetcher;
        this.clock = clock;
    }

    /** Why the client's keys could not be had; the message is safe to show the client. */
    public static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private record Fetched(JWKSet keys, Instant fetchedAt) {
    }

    /** The client's keys, as they are known now. */
    public JWKSet keys(ClientView client) throws Unavailable {
        if (client.keys() != null) {
            return client.keys();
        }
        String uri = client.authentication().jwksUri();
        if (uri == null) {
            throw new Unavailable("the client has registered no keys");
        }
        Fetched kept = cache.get(cacheKey(client, uri));
        Instant now = clock.instant();
        if (kept != null && now.isBefore(kept.fetchedAt().plus(settings.cacheTtl()))) {
            return kept.keys();
        }
        return fetch(client, uri, now);
    }

    /**
     * The client's keys fetched again because an assertion names {@code kid}, which the kept set lacks; the kept set
     * when it was fetched less than {@code min-refetch-interval} ago (or for registered keys, which do not change here).
     */
    public JWKSet keysWithUnknownKid(ClientView client) throws Unavailable {
        String uri = client.authentication().jwksUri();
        if (client.keys() != null || uri == null) {
            return keys(client);
        }
        Fetched kept = cache.get(cacheKey(client, uri));
        Instant now = clock.instant();
        if (kept != null && now.isBefore(kept.fetchedAt().plus(settings.minRefetchInterval()))) {
            return kept.keys();
        }
        return fetch(client, uri, now);
    }

    private JWKSet fetch(ClientView client, String uri, Instant now) throws Unavailable {
        JWKSet keys;
        try {
            keys = ClientKeySets.parse(fetcher.fetch(uri));
        } catch (JwksUriFetcher.FetchFailed e) {
            LOG.warn("jwks_uri of client {} in tenant {} could not be fetched: {}", client.clientId(), client.tenantId(),
                    e.getMessage());
            throw new Unavailable("the client's jwks_uri could not be fetched: " + e.getMessage());
        } catch (ClientKeySets.Refused e) {
            LOG.warn("jwks_uri of client {} in tenant {} served a key set that {}", client.clientId(), client.tenantId(),
                    e.getMessage());
            throw new Unavailable("the client's jwks_uri served a key set that " + e.getMessage());
        }
        cache.put(cacheKey(client, uri), new Fetched(keys, now));
        return keys;
    }

    private static String cacheKey(ClientView client, String uri) {
        return client.tenantId() + "\n" + client.clientId() + "\n" + uri;
    }
}
