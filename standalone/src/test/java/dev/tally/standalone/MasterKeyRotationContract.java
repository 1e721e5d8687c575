package dev.tally.standalone;

import static dev.tally.standalone.StandaloneScenario.jwks;
import static dev.tally.standalone.StandaloneScenario.signatureVerifiesWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyCreated;
import dev.tally.kernel.tenant.TenantEvents.SigningKeyResealed;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Rotating the master key across restarts of the standalone server on the same store, as README's "Rotate the master
 * key" tells an operator: start with key A; restart with B as primary and A as previous (tokens signed before still
 * verify, new ones are signed, the command service re-seals every live tenant's keys under B); restart with B alone
 * (everything opens); restart with a ring that lacks a key a live tenant's signing key still needs (the start fails,
 * naming the tenant, the key, the fingerprint and the setting).
 */
abstract class MasterKeyRotationContract {
    static final String ADMIN = "master-key-rotation-admin-token";
    static final String A = base64(1);
    static final String B = base64(2);
    static final String C = base64(3);

    /** The arguments that put the server on this run's store, the same for every start. */
    abstract List<String> storeArguments(Path dataDir);

    private static String base64(int fill) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) (fill * 17));
        return Base64.getEncoder().encodeToString(raw);
    }

    private static String fingerprint(String key) {
        return MasterKey.fromBase64(key).fingerprint();
    }

    @Test
    void rotationKeepsTokensAndKeysAndReSealsThenARingWithoutANeededKeyRefusesToStart(@TempDir Path dataDir)
            throws Exception {
        OfflineTenant rotating;
        String tokenBefore;
        List<String> kids;
        try (ConfigurableApplicationContext first = start(dataDir, "--tally.master-key=" + A)) {
            TestHttp http = http(first);
            rotating = OfflineTenant.create(http, "rotating");
            tokenBefore = rotating.login().access();
            kids = jwks(http, "rotating").getKeys().stream().map(k -> k.getKeyID()).toList();
            assertThat(kids).as("a key per algorithm").hasSize(2);
            // a deleted tenant's key stays sealed under A: it is never needed again, so it must never block a start
            OfflineTenant gone = OfflineTenant.create(http, "gone");
            assertThat(http.admin("DELETE", "/admin/tenants/gone", null).status()).isEqualTo(204);
            assertThat(sealedForms(first, "gone")).isNotEmpty().allSatisfy(s -> assertThat(s).contains(fingerprint(A)));
            assertThat(gone.tenant()).isEqualTo("gone");
        }

        try (ConfigurableApplicationContext second = start(dataDir, "--tally.master-key=" + B,
                "--tally.master-key-previous=" + A)) {
            OfflineTenant t = at(second, rotating);
            assertThat(t.active(tokenBefore)).as("a token signed before the rotation").isTrue();
            String tokenAfter = t.login().access();
            JWKSet keys = jwks(http(second), "rotating");
            assertThat(signatureVerifiesWith(tokenAfter, keys)).isTrue();
            assertThat(signatureVerifiesWith(tokenBefore, keys)).isTrue();
            assertThat(keys.getKeys()).extracting(k -> k.getKeyID()).as("the same signing keys, only sealed anew")
                    .containsExactlyInAnyOrderElementsOf(kids);

            List<SigningKeyResealed> resealed = resealedEvents(second, "rotating");
            assertThat(resealed).as("re-sealed at start-up").extracting(SigningKeyResealed::kid)
                    .containsExactlyInAnyOrderElementsOf(kids);
            assertThat(resealed).allSatisfy(r ->
                    assertThat(MasterKey.sealedBy(r.sealedPrivateJwk())).isEqualTo(fingerprint(B)));
            assertThat(resealedEvents(second, "gone")).as("a deleted tenant's key is left alone").isEmpty();

            Response again = http(second).admin("POST", "/admin/master-key/reseal", null);
            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            assertThat(again.json().get("primary").asString()).isEqualTo(fingerprint(B));
            assertThat(again.json().get("resealed").size()).as("nothing left to do: " + again).isZero();
            assertThat(resealedEvents(second, "rotating")).hasSameSizeAs(kids);
            assertThat(http(second).adminWithoutToken("POST", "/admin/master-key/reseal", null).status()).isEqualTo(401);
        }

        try (ConfigurableApplicationContext third = start(dataDir, "--tally.master-key=" + B)) {
            OfflineTenant t = at(third, rotating);
            assertThat(t.active(tokenBefore)).as("A has left the ring; the key opens in its re-sealed form").isTrue();
            String tokenNow = t.login().access();
            assertThat(signatureVerifiesWith(tokenNow, jwks(http(third), "rotating"))).isTrue();
        }

        Throwable refused = catchThrowable(() -> start(dataDir, "--tally.master-key=" + C,
                "--tally.master-key-previous=" + A).close());
        assertThat(refused).as("a ring without B, which the re-sealed key needs").isNotNull();
        String messages = messages(refused);
        assertThat(messages).contains("tenant 'rotating'").containsAnyOf(kids.stream().map(k -> "signing key '" + k + "'")
                        .toArray(String[]::new))
                .contains("master key " + fingerprint(B)).contains("tally.master-key-previous")
                .doesNotContain("tenant 'gone'");
    }

    private ConfigurableApplicationContext start(Path dataDir, String... keys) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--tally.data-dir=" + dataDir,
                "--tally.admin-token=" + ADMIN, "--tally.base-url=https://tally.rotation.test"));
        // the issuer must stay the same across restarts for a token of an earlier run to be this tenant's
        args.addAll(storeArguments(dataDir));
        args.addAll(List.of(keys));
        return SpringApplication.run(TallyStandalone.class, args.toArray(String[]::new));
    }

    private static TestHttp http(ConfigurableApplicationContext context) {
        return new TestHttp("http://localhost:" + context.getEnvironment().getProperty("local.server.port"), ADMIN);
    }

    /** The same tenant, client and user, reached on the restarted server. */
    private static OfflineTenant at(ConfigurableApplicationContext context, OfflineTenant t) {
        return new OfflineTenant(http(context), t.tenant(), t.api(), t.clientId(), t.clientSecret(), t.userId());
    }

    private static List<SigningKeyResealed> resealedEvents(ConfigurableApplicationContext context, String tenant) {
        return payloads(context).filter(SigningKeyResealed.class::isInstance).map(SigningKeyResealed.class::cast)
                .filter(r -> r.tenantId().equals(tenant)).toList();
    }

    private static List<String> sealedForms(ConfigurableApplicationContext context, String tenant) {
        return payloads(context).filter(SigningKeyCreated.class::isInstance).map(SigningKeyCreated.class::cast)
                .filter(c -> c.tenantId().equals(tenant)).map(SigningKeyCreated::sealedPrivateJwk).toList();
    }

    private static Stream<Object> payloads(ConfigurableApplicationContext context) {
        List<Object> all = new ArrayList<>();
        try (Stream<? extends TrackedEventMessage<?>> events = context.getBean(EventStorageEngine.class)
                .readEvents(null, false)) {
            events.forEach(e -> all.add(e.getPayload()));
        }
        return all.stream();
    }

    private static String messages(Throwable thrown) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
