package dev.tally.token.metrics;

import dev.tally.kernel.refresh.RefreshOutcome;
import dev.tally.platform.metrics.MeterTable;
import dev.tally.platform.metrics.TenantTags;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The token service's counts, in Micrometer's names (Prometheus: dots become underscores, counters end in
 * {@code _total}, timers in {@code _seconds}):
 * <ul>
 *   <li>{@code tally.tokens.issued{grant_type,decided_by}}: access tokens signed and recorded, by the step of the
 *   lifetime engine's trace that decided their lifetime ({@code decided_by}: a setting such as
 *   {@code api.token_lifetime}, or {@code rule} for any of the tenant's rules: rule names are the tenant's, unbounded);</li>
 *   <li>{@code tally.token.requests{grant_type,outcome}}: the token endpoint's latency, a histogram (Prometheus buckets),
 *   {@code outcome} {@code issued} or the OAuth error code answered ({@code server_error} for a failure);
 *   {@code grant_type} one Tally offers, else {@code other};</li>
 *   <li>{@code tally.refresh.outcomes{outcome}}: what a refresh token's family answered: {@code rotated},
 *   {@code used} (rotation none), {@code leeway_replay}, {@code reuse} (the family is revoked), {@code expired},
 *   {@code refused} (any other refusal: an unknown token, another client's, a revoked family, a wider scope);</li>
 *   <li>{@code tally.logins{outcome}}: password checks of the login page and the password grant, {@code success},
 *   {@code failure} or {@code throttled} (refused before the password was looked at);</li>
 *   <li>{@code tally.client.auth.throttled}: client authentications refused by the client-authentication throttle.</li>
 * </ul>
 * With tenant tags on ({@code tally.metrics.tenant-tags}) the first four carry {@code tenant} too. Every meter is built
 * once per combination of tag values ({@link MeterTable}) and found again by map lookups: counting costs a request a
 * few hash lookups and an atomic add, no string is built.
 */
public class TokenMetrics {
    public static final String ISSUED = "tally.tokens.issued";
    public static final String REQUESTS = "tally.token.requests";
    public static final String REFRESH = "tally.refresh.outcomes";
    public static final String LOGINS = "tally.logins";
    public static final String CLIENT_AUTH_THROTTLED = "tally.client.auth.throttled";

    /** The token endpoint's outcome when tokens were issued. */
    public static final String OUTCOME_ISSUED = "issued";
    /** A grant type Tally does not offer, or none. */
    public static final String OTHER_GRANT = "other";
    /** The decided_by value of every tenant rule. */
    public static final String RULE_STEP = "rule";

    public enum Refresh {
        ROTATED("rotated"), USED("used"), LEEWAY_REPLAY("leeway_replay"), REUSE("reuse"), EXPIRED("expired"),
        REFUSED("refused");

        final String tag;

        Refresh(String tag) {
            this.tag = tag;
        }

        /** What the family's answer was. */
        public static Refresh of(RefreshOutcome outcome) {
            if (outcome.granted()) {
                return outcome.replayed() ? LEEWAY_REPLAY : outcome.rotated() ? ROTATED : USED;
            }
            return outcome.reuseDetected() ? REUSE : outcome.expired() ? EXPIRED : REFUSED;
        }
    }

    public enum Login {
        SUCCESS("success"), FAILURE("failure"), THROTTLED("throttled");

        final String tag;

        Login(String tag) {
            this.tag = tag;
        }
    }

    private final TenantTags tenants;
    private final Predicate<String> tenantExists;
    private final MeterTable<Counter> issued;
    private final MeterTable<Timer> requests;
    private final MeterTable<Counter> refresh;
    private final MeterTable<Counter> logins;

    /** @param tenantExists whether a tenant id names a tenant (only asked with tenant tags on) */
    public TokenMetrics(MeterRegistry registry, TenantTags tenants, Predicate<String> tenantExists) {
        this.tenants = tenants;
        this.tenantExists = tenantExists;
        this.issued = new MeterTable<>((grant, step, tenant) -> Counter.builder(ISSUED)
                .tags(tags(tenant, "grant_type", grant, "decided_by", step))
                .description("access tokens issued, by grant type and the lifetime step that decided")
                .register(registry));
        this.requests = new MeterTable<>((grant, outcome, tenant) -> Timer.builder(REQUESTS)
                .tags(tags(tenant, "grant_type", grant, "outcome", outcome))
                .publishPercentileHistogram()
                .description("token endpoint requests, by grant type and outcome (issued or the OAuth error)")
                .register(registry));
        this.refresh = new MeterTable<>((outcome, tenant, unused) -> Counter.builder(REFRESH)
                .tags(tags(tenant, "outcome", outcome))
                .description("refresh token uses, by the family's answer")
                .register(registry));
        this.logins = new MeterTable<>((outcome, tenant, unused) -> Counter.builder(LOGINS)
                .tags(tags(tenant, "outcome", outcome))
                .description("password checks of the login page and the password grant, by outcome")
                .register(registry));
    }

    /** Counts into a registry of its own, for tests and tools that have no Spring context. */
    public static TokenMetrics unpublished() {
        return new TokenMetrics(new SimpleMeterRegistry(), TenantTags.off(), tenant -> false);
    }

    private Tags tags(String tenant, String... keyValues) {
        Tags tags = Tags.of(keyValues);
        return tenants.enabled() ? tags.and(TenantTags.TAG, tenant) : tags;
    }

    /** An access token signed and recorded; {@code decidedBy} is the lifetime decision's deciding step. */
    public void issued(String tenantId, String grantType, String decidedBy) {
        String step = decidedBy.startsWith("rule:") ? RULE_STEP : decidedBy;
        issued.get(grantType, step, tenantTag(tenantId)).increment();
    }

    /**
     * One token endpoint request, from {@code startNanos} ({@link System#nanoTime()}) to now.
     *
     * @param tenantId the tenant the path names, or {@code null}
     */
    public void tokenRequest(String tenantId, String grantType, String outcome, long startNanos) {
        requests.get(grantType, outcome, tenantTag(tenantId))
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    public void refresh(String tenantId, Refresh outcome) {
        refresh.get(outcome.tag, tenantTag(tenantId)).increment();
    }

    public void login(String tenantId, Login outcome) {
        logins.get(outcome.tag, tenantTag(tenantId)).increment();
    }

    /**
     * The tenant tag: none when tenant tags are off; a tenant that does not exist (a made-up path) is counted with the
     * unlisted ones, never under the name it made up.
     */
    private String tenantTag(String tenantId) {
        if (!tenants.enabled()) {
            return null;
        }
        return tenantId != null && tenantExists.test(tenantId) ? tenants.of(tenantId) : TenantTags.OTHER;
    }
}
