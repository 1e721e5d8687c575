package dev.tally.platform.admin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.client.ClientEvents.ClientManagementScopesChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.kernel.problem.InvalidInput;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRetired;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyRevoked;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantIds;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a tenant's management token ({@link ManagementScopes}): an RFC 9068 access token ({@code typ: at+jwt})
 * for the audience {@value ManagementScopes#AUDIENCE}, signed by one of the tenant's own keys, issued by
 * {@code .../t/{tenant}}, not expired and not issued in the future, by the injected clock.
 *
 * <p>Every service has this, so it cannot lean on the token service's projection: the tenant's public keys are read
 * from the tenant aggregate's own events (every published key: {@code SigningKeyAdded}, {@code SigningKeyCreated},
 * until {@code SigningKeyRetired} or {@code SigningKeyRevoked}; after {@code TenantDeleted} there are none) and
 * cached per tenant. A token naming a key the cache does not know makes it read the tenant's history again, at most
 * once per {@link #UNKNOWN_KID_RELOAD}; every entry is read again after {@link #KEYS_MAX_AGE} anyway, so a deleted
 * tenant's tokens, and a revoked key's, stop working within that time.
 *
 * <p>The scopes granted are the token's, narrowed to what the client holds <em>now</em>: the client's own events
 * are read on each verification (management calls are rare), so taking a client's grant away, or deleting the
 * client, ends its tokens at once instead of at their expiry.
 */
public class ManagementTokenVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementTokenVerifier.class);
    static final Duration UNKNOWN_KID_RELOAD = Duration.ofSeconds(10);
    private static final java.util.Set<Class<?>> KEY_EVENTS = java.util.Set.of(SigningKeyAdded.class,
            SigningKeyCreated.class, SigningKeyRetired.class, SigningKeyRevoked.class);
    static final Duration KEYS_MAX_AGE = Duration.ofMinutes(1);
    /** How far in the future {@code iat} may be: clocks of several nodes differ a little. */
    static final Duration ISSUED_AT_SKEW = Duration.ofSeconds(30);
    private static final int MAX_CACHED_TENANTS = 10_000;
    private static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    private final EventStorageEngine events;
    private final Clock clock;
    private final DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;
    private final Map<String, TenantKeys> keysByTenant = new ConcurrentHashMap<>();

    public ManagementTokenVerifier(EventStorageEngine events, Clock clock) {
        this.events = events;
        this.clock = clock;
        this.claimsVerifier = new DefaultJWTClaimsVerifier<>(Set.of(ManagementScopes.AUDIENCE),
                new JWTClaimsSet.Builder().build(), Set.of("iss", "exp", "iat", "client_id"), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        // exp is checked exactly; only iat gets a skew (below)
        this.claimsVerifier.setMaxClockSkew(0);
    }

    /** What a verification found: the caller, or why the token is refused. */
    public sealed interface Verification permits Verified, Rejected {
    }

    public record Verified(ManagementPrincipal principal) implements Verification {
    }

    public record Rejected(String reason) implements Verification {
    }

    /** Verifies the token as one of the tenant {@code tenantId}'s management tokens. */
    public Verification verify(String token, String tenantId) {
        if (!validTenantId(tenantId)) {
            return new Rejected("the token is not a management token of this tenant");
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return new Rejected("the bearer token is not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        if (!AT_JWT.equals(header.getType())) {
            return new Rejected("the bearer token is not an access token (typ at+jwt)");
        }
        if (!ALGORITHMS.contains(header.getAlgorithm()) || header.getKeyID() == null) {
            return new Rejected("the token is not signed by a key of tenant '" + tenantId + "'");
        }
        Key key = key(tenantId, header.getKeyID());
        if (key == null || !key.algorithm().equals(header.getAlgorithm())) {
            return new Rejected("the token is not signed by a key of tenant '" + tenantId + "'");
        }
        JWTClaimsSet claims;
        try {
            if (!jwt.verify(key.verifier())) {
                return new Rejected("the token's signature is invalid");
            }
            claims = jwt.getJWTClaimsSet();
            claimsVerifier.verify(claims, null);
        } catch (JOSEException e) {
            return new Rejected("the token's signature is invalid");
        } catch (ParseException e) {
            return new Rejected("the token's claims are not valid JSON");
        } catch (BadJWTException e) {
            return new Rejected(describe(e));
        }
        if (!claims.getIssuer().endsWith("/t/" + tenantId)) {
            return new Rejected("the token was not issued by tenant '" + tenantId + "'");
        }
        if (claims.getIssueTime().toInstant().isAfter(clock.instant().plus(ISSUED_AT_SKEW))) {
            return new Rejected("the token is issued in the future");
        }
        String clientId;
        List<String> scopes;
        try {
            clientId = claims.getStringClaim("client_id");
            String scope = claims.getStringClaim("scope");
            scopes = scope == null ? List.of() : List.of(scope.trim().split(" +"));
        } catch (ParseException e) {
            return new Rejected("the token's client_id and scope must be strings");
        }
        Optional<List<String>> held = grantNow(tenantId, clientId);
        if (held.isEmpty()) {
            return new Rejected("the token's client no longer exists in tenant '" + tenantId + "'");
        }
        List<String> granted = scopes.stream().filter(ManagementScopes::known).filter(held.get()::contains).distinct().toList();
        if (granted.isEmpty()) {
            return new Rejected("the client holds none of the token's management scopes");
        }
        return new Verified(ManagementPrincipal.tenantClient(tenantId, clientId, granted));
    }

    /** Verifies the token as a management token of the tenant its issuer names (not trusted before verification). */
    public Verification verify(String token) {
        return issuerTenant(token).map(tenant -> verify(token, tenant))
                .orElseGet(() -> new Rejected("the bearer token is not a management token"));
    }

    /** The tenant the token's {@code iss} names ({@code .../t/{tenant}}), unverified. */
    public static Optional<String> issuerTenant(String token) {
        try {
            String issuer = SignedJWT.parse(token).getJWTClaimsSet().getIssuer();
            int at = issuer == null ? -1 : issuer.lastIndexOf("/t/");
            if (at < 0) {
                return Optional.empty();
            }
            String tenant = issuer.substring(at + 3);
            return validTenantId(tenant) ? Optional.of(tenant) : Optional.empty();
        } catch (ParseException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean validTenantId(String tenantId) {
        try {
            TenantIds.requireValid(tenantId);
            return true;
        } catch (InvalidInput e) {
            return false;
        }
    }

    private static String describe(BadJWTException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains("xpired")) {
            return "the token has expired";
        }
        if (message.contains("aud")) {
            return "the token is not for the management API (audience " + ManagementScopes.AUDIENCE + ")";
        }
        return "the token's claims are not acceptable: " + message;
    }

    private Key key(String tenantId, String kid) {
        Instant now = clock.instant();
        TenantKeys keys = keysByTenant.get(tenantId);
        if (keys == null || keys.olderThan(KEYS_MAX_AGE, now)
                || (!keys.byKid().containsKey(kid) && keys.olderThan(UNKNOWN_KID_RELOAD, now))) {
            keys = read(tenantId, now);
            if (keysByTenant.size() >= MAX_CACHED_TENANTS) {
                // Tenant ids come from requests: bound what they can make us remember.
                keysByTenant.clear();
            }
            keysByTenant.put(tenantId, keys);
        }
        return keys.byKid().get(kid);
    }

    private TenantKeys read(String tenantId, Instant now) {
        Map<String, Key> keys = new HashMap<>();
        DomainEventStream stream = events.readEvents(TenantIds.aggregateId(tenantId));
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            Class<?> type = message.getPayloadType();
            if (!KEY_EVENTS.contains(type)) {
                if (TenantDeleted.class.equals(type)) {
                    keys.clear();
                    break;
                }
                continue;
            }
            // only key events are deserialized: the tenant's other events say nothing about its keys
            Object payload = message.getPayload();
            if (payload instanceof SigningKeyAdded added) {
                put(keys, tenantId, added.tenantId(), added.kid(), added.alg(), added.publicJwk());
            } else if (payload instanceof SigningKeyCreated created) {
                put(keys, tenantId, created.tenantId(), created.kid(), created.alg(), created.publicJwk());
            } else if (payload instanceof SigningKeyRetired retired) {
                keys.remove(retired.kid());
            } else if (payload instanceof SigningKeyRevoked revoked) {
                keys.remove(revoked.kid());
            }
        }
        return new TenantKeys(Map.copyOf(keys), now);
    }

    /** A published key of the tenant: pre-published, signing, or replaced but not yet retired. */
    private static void put(Map<String, Key> keys, String tenantId, String eventTenant, String kid, SigningAlgorithm alg,
                            String publicJwk) {
        if (!eventTenant.equals(tenantId)) {
            return;
        }
        try {
            JWK jwk = JWK.parse(publicJwk);
            keys.put(kid, switch (alg) {
                case ES256 -> new Key(JWSAlgorithm.ES256, new ECDSAVerifier(jwk.toECKey()));
                case RS256 -> new Key(JWSAlgorithm.RS256, new RSASSAVerifier(jwk.toRSAKey()));
            });
        } catch (ParseException | JOSEException | RuntimeException e) {
            LOG.warn("public key {} of tenant {} is unusable and ignored", kid, tenantId, e);
        }
    }

    /** The management scopes the client holds now, from its own events; empty if it is not the tenant's client. */
    private Optional<List<String>> grantNow(String tenantId, String clientId) {
        if (clientId == null || clientId.isEmpty()) {
            return Optional.empty();
        }
        boolean registered = false;
        List<String> scopes = List.of();
        DomainEventStream stream = events.readEvents(clientId);
        while (stream.hasNext()) {
            DomainEventMessage<?> message = stream.next();
            Class<?> type = message.getPayloadType();
            if (ClientRegistered.class.equals(type)) {
                registered = ((ClientRegistered) message.getPayload()).tenantId().equals(tenantId);
            } else if (ClientManagementScopesChanged.class.equals(type)) {
                scopes = ((ClientManagementScopesChanged) message.getPayload()).scopes();
            } else if (ClientDeleted.class.equals(type)) {
                return Optional.empty();
            }
        }
        return registered ? Optional.of(List.copyOf(new LinkedHashSet<>(scopes))) : Optional.empty();
    }

    private record Key(JWSAlgorithm algorithm, JWSVerifier verifier) {
    }

    private record TenantKeys(Map<String, Key> byKid, Instant readAt) {
        boolean olderThan(Duration age, Instant now) {
            return !now.isBefore(readAt.plus(age));
        }
    }
}
