package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shared test data: one API, a few clients, rule shorthands. */
final class LifetimeFixtures {

    /** Has a fraction on purpose: decisions must measure from the whole second. */
    static final Instant NOW = Instant.parse("2026-06-01T10:00:00.750Z");
    static final Instant NOW_SECONDS = Instant.parse("2026-06-01T10:00:00Z");

    static final String ORDERS = "https://api.example.com/orders";
    static final ApiLifetimeSettings ORDERS_API = new ApiLifetimeSettings(ORDERS, 3600, 900);
    static final String USERINFO = "https://acme.tally.dev/userinfo";

    static final LifetimeRuleCompiler COMPILER = new LifetimeRuleCompiler();

    private LifetimeFixtures() {
    }

    /** The engine asked at one instant of issue, as the token service asks it for each request. */
    record EngineAt(LifetimeEngine engine, Instant at) {
        LifetimeDecisions decide(LifetimeContext context) {
            return engine.decide(context, at);
        }

        LifetimeDecision decide(LifetimeContext context, TokenType type) {
            return engine.decide(context, type, at);
        }
    }

    static EngineAt engineAt(Instant now) {
        return new EngineAt(new DefaultLifetimeEngine(), now);
    }

    static EngineAt engine() {
        return engineAt(NOW);
    }

    static ClientProfile client(AppType type, Map<String, String> metadata) {
        return ClientProfile.builder("client-" + type.wireName(), type)
                .metadata(metadata)
                .createdAt(Instant.parse("2026-05-20T08:00:00Z"))
                .build();
    }

    static ClientProfile client(AppType type) {
        return client(type, Map.of());
    }

    static UserProfile alice() {
        return new UserProfile("user-alice", Map.of("plan", "pro"), List.of("admin", "billing"),
                Instant.parse("2025-01-01T00:00:00Z"));
    }

    static TokenRequest clientCredentials() {
        return TokenRequest.forApi("client_credentials", ORDERS, List.of("read:orders"), false);
    }

    static TokenRequest authorizationCode(boolean browserFlow) {
        return TokenRequest.forApi("authorization_code", ORDERS, List.of("openid", "read:orders"), browserFlow);
    }

    static CompiledLifetimeRule rule(String name, int priority, String condition, LifetimeEffect... effects) {
        return COMPILER.compile("id-" + name, name, priority, condition, List.of(effects));
    }

    static LifetimeContext.Builder context(ClientProfile client, TokenRequest request) {
        return LifetimeContext.builder(TenantLifetimeSettings.defaults(), client, request).api(ORDERS_API);
    }
}
