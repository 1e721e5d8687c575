package dev.tally.platform.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.client.AppType;
import dev.tally.kernel.client.ClientEvents.ClientDeleted;
import dev.tally.kernel.client.ClientEvents.ClientManagementScopesChanged;
import dev.tally.kernel.client.ClientEvents.ClientRegistered;
import dev.tally.kernel.client.ClientSessionLimits;
import dev.tally.kernel.client.ClientUrls;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.kernel.tenant.SigningAlgorithm;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyAdded;
import dev.tally.kernel.tenant.TenantEvents.TenantCreated;
import dev.tally.kernel.tenant.TenantEvents.TenantDeleted;
import dev.tally.kernel.tenant.TenantIds;
import dev.tally.platform.admin.ManagementTokenVerifier.Rejected;
import dev.tally.platform.admin.ManagementTokenVerifier.Verification;
import dev.tally.platform.admin.ManagementTokenVerifier.Verified;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The management token verifier against a real event store (H2, migrated by Flyway): tenants' public keys and
 * clients' grants are real events, the tokens are really signed (EC P-256), and time is a clock the test moves.
 */
@SpringBootTest(classes = VerifierTestApplication.class)
class ManagementTokenVerifierTest {
    static final String ISSUER_BASE = "https://id.example.test/t/";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:verifier-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        registry.add("tally.master-key", () -> Base64.getEncoder().encodeToString(new byte[32]));
        registry.add("tally.admin-token", () -> "verifier-test-admin-token");
    }

    @Autowired
    EventStore eventStore;
    @Autowired
    ManagementTokenVerifier verifier;

    private final Map<String, Long> sequences = new HashMap<>();

    /** A tenant with a signing key and a client holding {@code scopes}; returns the key. */
    ECKey tenantWithClient(String tenant, String clientId, List<String> scopes) {
        append(TenantIds.aggregateId(tenant), "Tenant", new TenantCreated(tenant, tenant, SigningAlgorithm.ES256, now()));
        ECKey key = newKey();
        addKey(tenant, key);
        append(clientId, "Client", new ClientRegistered(clientId, tenant, "ops", AppType.NON_INTERACTIVE,
                List.of("client_credentials"), "a".repeat(64), Map.of(), 36000, ClientUrls.NONE, ClientSessionLimits.NONE, now()));
        append(clientId, "Client", new ClientManagementScopesChanged(clientId, tenant, scopes));
        return key;
    }

    void addKey(String tenant, ECKey key) {
        append(TenantIds.aggregateId(tenant), "Tenant", new SigningKeyAdded(tenant, key.getKeyID(), SigningAlgorithm.ES256,
                key.toPublicJWK().toJSONString(), "sealed-private-key-not-needed-here", now()));
    }

    void append(String aggregateId, String type, Object payload) {
        long next = sequences.merge(aggregateId, 0L, (old, zero) -> old + 1);
        eventStore.publish(new GenericDomainEventMessage<>(type, aggregateId, next, payload));
    }

    static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant now() {
        return VerifierTestApplication.CLOCK.instant();
    }

    static JWTClaimsSet.Builder claims(String tenant, String clientId, String scope) {
        Instant now = now();
        return new JWTClaimsSet.Builder().issuer(ISSUER_BASE + tenant).subject(clientId)
                .audience(ManagementScopes.AUDIENCE).claim("client_id", clientId).claim("scope", scope)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600))).jwtID(UUID.randomUUID().toString());
    }

    static String sign(ECKey key, JWTClaimsSet claims) {
        return sign(key, claims, new JOSEObjectType("at+jwt"));
    }

    static String sign(ECKey key, JWTClaimsSet claims, JOSEObjectType type) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(type).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String rejection(Verification v) {
        assertThat(v).isInstanceOf(Rejected.class);
        return ((Rejected) v).reason();
    }

    @Test
    void aTokenSignedByTheTenantsKeyForTheManagementAudienceIsVerified() {
        String tenant = unique("acme");
        ECKey key = tenantWithClient(tenant, "client-valid", List.of("tenant:admin", "tenant:read"));
        String token = sign(key, claims(tenant, "client-valid", "tenant:admin").build());

        Verification v = verifier.verify(token, tenant);

        assertThat(v).isEqualTo(new Verified(ManagementPrincipal.tenantClient(tenant, "client-valid", List.of("tenant:admin"))));
        assertThat(verifier.verify(token)).as("by the tenant its issuer names").isEqualTo(v);
    }

    @Test
    void aValidTokenOfOneTenantIsNotATokenOfAnother() {
        String acme = unique("acme");
        String globex = unique("globex");
        ECKey acmeKey = tenantWithClient(acme, "client-acme", List.of("tenant:admin"));
        tenantWithClient(globex, "client-globex", List.of("tenant:admin"));
        String acmeToken = sign(acmeKey, claims(acme, "client-acme", "tenant:admin").build());

        assertThat(rejection(verifier.verify(acmeToken, globex))).contains("not signed by a key of tenant '" + globex + "'");
        assertThat(verifier.verify(acmeToken)).isInstanceOf(Verified.class);
        // Signed by acme's key but claiming globex as issuer: globex's keys do not know it, acme's issuer check refuses it.
        String forged = sign(acmeKey, claims(globex, "client-acme", "tenant:admin").build());
        assertThat(rejection(verifier.verify(forged))).contains("not signed by a key of tenant '" + globex + "'");
        assertThat(rejection(verifier.verify(forged, acme))).contains("not issued by tenant '" + acme + "'");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        String tenant = unique("acme");
        ECKey key = tenantWithClient(tenant, "client-aud", List.of("tenant:admin"));
        String token = sign(key, claims(tenant, "client-aud", "tenant:admin").audience("https://api.acme.test").build());

        assertThat(rejection(verifier.verify(token, tenant))).contains("audience");
    }

    @Test
    void anExpiredTokenIsRefusedByTheInjectedClock() {
        String tenant = unique("acme");
        ECKey key = tenantWithClient(tenant, "client-exp", List.of("tenant:read"));
        String token = sign(key, claims(tenant, "client-exp", "tenant:read").build());
        assertThat(verifier.verify(token, tenant)).isInstanceOf(Verified.class);

        VerifierTestApplication.CLOCK.advance(Duration.ofSeconds(599));
        assertThat(verifier.verify(token, tenant)).as("one second before exp").isInstanceOf(Verified.class);
        VerifierTestApplication.CLOCK.advance(Duration.ofSeconds(1));

        assertThat(rejection(verifier.verify(token, tenant))).isEqualTo("the token has expired");
    }

    @Test
    void aTokenIssuedInTheFutureIsRefusedBeyondASmallSkew() {
        String tenant = unique("acme");
        ECKey key = tenantWithClient(tenant, "client-iat", List.of("tenant:read"));
        Instant now = now();
        String slightlyAhead = sign(key, claims(tenant, "client-iat", "tenant:read").issueTime(Date.from(now.plusSeconds(20))).build());
        String farAhead = sign(key, claims(tenant, "client-iat", "tenant:read").issueTime(Date.from(now.plusSeconds(120))).build());

        assertThat(verifier.verify(slightlyAhead, tenant)).isInstanceOf(Verified.class);
        assertThat(rejection(verifier.verify(farAhead, tenant))).contains("future");
    }

    @Test
    void aTamperedTokenIsRefused() {
        String tenant = unique("acme");
        ECKey key = tenantWithClient(tenant, "client-tamper", List.of("tenant:read", "tenant:admin"));
        String token = sign(key, claims(tenant, "client-tamper", "tenant:read").build());
        String[] parts = token.split("\\.");
        String widened = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims(tenant, "client-tamper", "tenant:admin").build().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(rejection(verifier.verify(parts[0] + "." + widened + "." + parts[2], tenant))).contains("signature is invalid");
        assertThat(rejection(verifier.verify(parts[0] + "." + parts[1] + "." + parts[2].substring(4) + "AAAA", tenant)))
                .contains("signature is invalid");
        assertThat(rejection(verifier.verify("not-a-jwt", tenant))).contains("not a signed JWT");
    }

    @Test
    void anUnknownKeyIsLookedUpAgainAtMostOncePerTenSeconds() {
        String tenant = unique("acme");
        tenantWithClient(tenant, "client-kid", List.of("tenant:admin"));
        ECKey newer = newKey();
        String token = sign(newer, claims(tenant, "client-kid", "tenant:admin").build());
        assertThat(rejection(verifier.verify(token, tenant))).contains("not signed by a key of tenant");

        addKey(tenant, newer);
        VerifierTestApplication.CLOCK.advance(Duration.ofSeconds(9));
        assertThat(verifier.verify(token, tenant)).as("read again less than 10 s ago").isInstanceOf(Rejected.class);
        VerifierTestApplication.CLOCK.advance(Duration.ofSeconds(1));

        assertThat(verifier.verify(token, tenant)).isInstanceOf(Verified.class);
    }

    @Test
    void aDeletedTenantHasNoKeys() {
        String gone = unique("gone");
        ECKey goneKey = tenantWithClient(gone, "client-gone", List.of("tenant:admin"));
        append(TenantIds.aggregateId(gone), "Tenant", new TenantDeleted(gone));
        assertThat(rejection(verifier.verify(sign(goneKey, claims(gone, "client-gone", "tenant:admin").build()), gone)))
                .contains("not signed by a key");

        String later = unique("later");
        ECKey laterKey = tenantWithClient(later, "client-later", List.of("tenant:admin"));
        String token = sign(laterKey, claims(later, "client-later", "tenant:admin").build());
        assertThat(verifier.verify(token, later)).isInstanceOf(Verified.class);
        append(TenantIds.aggregateId(later), "Tenant", new TenantDeleted(later));

        VerifierTestApplication.CLOCK.advance(ManagementTokenVerifier.KEYS_MAX_AGE);
        assertThat(rejection(verifier.verify(token, later))).as("the cache is read again after its maximum age")
                .contains("not signed by a key");
    }

    @Test
    void theScopesAreNarrowedToWhatTheClientHoldsNow() {
        String tenant = unique("acme");
        ECKey key = tenantWithClient(tenant, "client-grant", List.of("tenant:admin", "tenant:read"));
        String token = sign(key, claims(tenant, "client-grant", "tenant:admin tenant:read unknown:scope").build());
        assertThat(((Verified) verifier.verify(token, tenant)).principal().scopes()).containsExactly("tenant:admin", "tenant:read");

        append("client-grant", "Client", new ClientManagementScopesChanged("client-grant", tenant, List.of("tenant:read")));
        assertThat(((Verified) verifier.verify(token, tenant)).principal().scopes()).containsExactly("tenant:read");

        append("client-grant", "Client", new ClientManagementScopesChanged("client-grant", tenant, List.of()));
        assertThat(rejection(verifier.verify(token, tenant))).contains("holds none");

        append("client-grant", "Client", new ClientDeleted("client-grant", tenant));
        assertThat(rejection(verifier.verify(token, tenant))).contains("no longer exists");
    }

    @Test
    void onlyAccessTokensAreAccepted() {
        String tenant = unique("acme");
        ECKey key = tenantWithClient(tenant, "client-typ", List.of("tenant:admin"));

        String idTokenLike = sign(key, claims(tenant, "client-typ", "tenant:admin").build(), JOSEObjectType.JWT);

        assertThat(rejection(verifier.verify(idTokenLike, tenant))).contains("at+jwt");
    }
}
