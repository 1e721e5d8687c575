package dev.tally.bench.store;

import dev.tally.bench.store.Templates.Payload;
import dev.tally.bench.store.Templates.TenantTemplates;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.databind.node.ObjectNode;

/**
 * A deterministic history (the same seed gives the same events, ids included) made of the seeded tenants' payloads:
 * refresh families of the tenants' users, each started with an access token and rotated a few times (a
 * {@code TokenRotated} and the access token issued with it, the hashes chained as the server chains them), between
 * client_credentials access tokens. Instants advance by {@code step} per event and end before the seeded store's first
 * event, so each family reads forward in time and time travel to a family's past has a past to go to.
 */
public final class SyntheticHistory {
    /** Users per tenant the families belong to. */
    static final int USERS_PER_TENANT = 2_000;
    /** One unit in 25 is a family (mean 8 rotations, so 18 events); about 40 % of the events are families'. */
    static final int FAMILY_ONE_IN = 25;
    static final int MAX_ROTATIONS = 16;
    static final String FAMILY_AGGREGATE = "RefreshTokenFamily";

    private final Templates templates;
    private final SplittableRandom random;
    private final List<TenantTemplates> familyTenants;
    private final List<List<String>> users = new ArrayList<>();
    private final Duration step;
    private Instant clock;

    public SyntheticHistory(Templates templates, long seed, long events, Duration step) {
        this.templates = templates;
        this.random = new SplittableRandom(seed);
        this.familyTenants = templates.tenants().stream().filter(TenantTemplates::hasFamilies).toList();
        for (int t = 0; t < familyTenants.size(); t++) {
            List<String> pool = new ArrayList<>(USERS_PER_TENANT);
            for (int u = 0; u < USERS_PER_TENANT; u++) {
                pool.add("usr_" + token(18));
            }
            users.add(pool);
        }
        this.step = step;
        this.clock = templates.firstSeeded().minus(step.multipliedBy(events + 1));
    }

    /** Emits at least {@code events} events (a family is never cut short), in the order they are to be appended. */
    public long emit(long events, Consumer<SyntheticEvent> sink) {
        long emitted = 0;
        while (emitted < events) {
            if (random.nextInt(FAMILY_ONE_IN) == 0) {
                emitted += family(sink);
            } else {
                machineToken(sink);
                emitted++;
            }
        }
        return emitted;
    }

    private int family(Consumer<SyntheticEvent> sink) {
        int t = random.nextInt(familyTenants.size());
        TenantTemplates tenant = familyTenants.get(t);
        String user = users.get(t).get(random.nextInt(USERS_PER_TENANT));
        String familyId = "rtf_" + token(18);
        Map<String, String> meta = trace();
        Instant started = tick();
        ObjectNode s = copy(tenant.familyStarted());
        long absolute = s.path("absoluteLifetime").asLong();
        long idle = s.path("idleLifetime").asLong();
        Instant expires = started.plusSeconds(absolute);
        String hash = hash();
        s.put("familyId", familyId).put("userId", user).put("tokenHash", hash).put("startedAt", started.toString())
                .put("expiresAt", expires.toString()).put("idleExpiresAt", started.plusSeconds(idle).toString());
        sink.accept(domain(familyId, 0, tenant.familyStarted(), s, meta, started));
        String jti = familyToken(tenant, user, familyId, sink);
        int rotations = random.nextInt(MAX_ROTATIONS + 1);
        for (int r = 0; r < rotations; r++) {
            Instant at = tick();
            String next = hash();
            jti = jti();
            ObjectNode rotated = copy(tenant.tokenRotated());
            rotated.put("familyId", familyId).put("userId", user).put("generation", r + 2)
                    .put("presentedTokenHash", hash).put("newTokenHash", next).put("withinLeeway", false)
                    .put("at", at.toString()).put("expiresAt", expires.toString())
                    .put("idleExpiresAt", at.plusSeconds(idle).toString()).put("accessTokenId", jti);
            sink.accept(domain(familyId, r + 1, tenant.tokenRotated(), rotated, trace(), at));
            issued(tenant.familyToken(), jti, user, familyId, sink);
            hash = next;
        }
        return 2 + 2 * rotations;
    }

    private String familyToken(TenantTemplates tenant, String user, String familyId, Consumer<SyntheticEvent> sink) {
        String jti = jti();
        issued(tenant.familyToken(), jti, user, familyId, sink);
        return jti;
    }

    private void machineToken(Consumer<SyntheticEvent> sink) {
        List<TenantTemplates> all = templates.tenants();
        TenantTemplates tenant = all.get(random.nextInt(all.size()));
        issued(tenant.machineToken(), jti(), null, null, sink);
    }

    private void issued(Payload template, String jti, String subject, String familyId, Consumer<SyntheticEvent> sink) {
        Instant at = tick();
        Instant issuedAt = at.truncatedTo(ChronoUnit.SECONDS);
        ObjectNode p = copy(template);
        p.put("jti", jti).put("issuedAt", issuedAt.toString())
                .put("expiresAt", issuedAt.plusSeconds(p.path("lifetimeSeconds").asLong()).toString());
        if (subject != null) {
            p.put("subject", subject).put("familyId", familyId);
        }
        String id = uuid();
        sink.accept(new SyntheticEvent(null, id, 0, id, template.type(), template.revision(), p, Map.of(), at));
    }

    private SyntheticEvent domain(String familyId, long sequence, Payload template, ObjectNode payload,
                                  Map<String, String> meta, Instant at) {
        return new SyntheticEvent(FAMILY_AGGREGATE, familyId, sequence, uuid(), template.type(), template.revision(),
                payload, meta, at);
    }

    private Instant tick() {
        clock = clock.plus(step);
        return clock;
    }

    private static ObjectNode copy(Payload template) {
        return template.json().deepCopy();
    }

    private Map<String, String> trace() {
        String id = uuid();
        return Map.of("traceId", id, "correlationId", id);
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private String jti() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String hash() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private String token(int bytes) {
        StringBuilder b = new StringBuilder(bytes * 4 / 3);
        for (int i = 0; i < bytes * 4 / 3; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
