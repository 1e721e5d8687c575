package dev.tally.bench.lifetime;

import dev.tally.kernel.client.AppType;
import dev.tally.kernel.lifetime.ApiLifetimeSettings;
import dev.tally.kernel.lifetime.ClientProfile;
import dev.tally.kernel.lifetime.CompiledLifetimeRule;
import dev.tally.kernel.lifetime.DefaultLifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeContext;
import dev.tally.kernel.lifetime.LifetimeDecisions;
import dev.tally.kernel.lifetime.LifetimeEffect;
import dev.tally.kernel.lifetime.LifetimeEngine;
import dev.tally.kernel.lifetime.LifetimeRuleCompiler;
import dev.tally.kernel.lifetime.LifetimeRuleSet;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.lifetime.TokenRequest;
import dev.tally.kernel.lifetime.UserProfile;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One full decision (access, ID, refresh token and both session timeouts) for a tenant with five
 * rules over client metadata, request scopes and user roles.
 *
 * <ul>
 *   <li>{@code last_matches}: rules 1-4 are evaluated and miss, rule 5 matches;</li>
 *   <li>{@code none_match}: all five are evaluated and miss;</li>
 *   <li>{@code missing_keys}: the client lacks the metadata keys two rules read, so those fail at
 *       run time (traced, not matching) before the last rule matches: the error path's cost.</li>
 * </ul>
 *
 * Run: {@code benchmarks/run-lifetime-engine.sh} (JMH options after it, e.g. {@code -prof gc}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LifetimeEngineBenchmark {

    private static final String API = "https://api.example.com/orders";

    @Param({"last_matches", "none_match", "missing_keys"})
    public String variant;

    private LifetimeEngine engine;
    private LifetimeContext context;

    @Setup
    public void setUp() {
        LifetimeRuleCompiler compiler = new LifetimeRuleCompiler();
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule(compiler, "onboarding-m2m", 10,
                        "client.metadata.tier == 'onboarding'",
                        LifetimeEffect.accessTokenLifetime(60)),
                rule(compiler, "admin-scopes", 20,
                        "request.scopes.exists(s, s.startsWith('admin:'))",
                        LifetimeEffect.accessTokenLifetime(300), LifetimeEffect.refreshTokenLifetime(3600)),
                rule(compiler, "eu-or-support", 30,
                        "client.metadata.region == 'eu' || 'support' in user.roles",
                        LifetimeEffect.accessTokenLifetime(900), LifetimeEffect.idTokenLifetime(600)),
                rule(compiler, "new-spa", 40,
                        "client.app_type == 'spa' && now - client.created_at < duration('168h')",
                        LifetimeEffect.accessTokenLifetime(120)),
                rule(compiler, "billing-invoices", 50,
                        "has(user.id) && user.roles.exists(r, r == 'billing') && 'read:invoices' in request.scopes",
                        LifetimeEffect.accessTokenLifetime(1800), LifetimeEffect.idTokenLifetime(7200)));

        Map<String, String> clientMetadata = variant.equals("missing_keys")
                ? Map.of("owner", "team-a")
                : Map.of("tier", "gold", "region", "us", "owner", "team-a");
        ClientProfile client = ClientProfile.builder("client-web-1", AppType.REGULAR_WEB)
                .metadata(clientMetadata)
                .createdAt(Instant.parse("2026-01-10T09:00:00Z"))
                .build();
        UserProfile user = new UserProfile("user-42", Map.of("region", "us", "plan", "pro"),
                List.of("viewer", "editor", "billing"), Instant.parse("2025-03-01T00:00:00Z"));
        List<String> scopes = variant.equals("none_match")
                ? List.of("openid", "profile", "email", "read:orders", "write:orders", "offline_access")
                : List.of("openid", "profile", "email", "read:orders", "write:orders", "read:invoices");
        TokenRequest request = TokenRequest.forApi("authorization_code", API, scopes, true);
        TenantLifetimeSettings tenant = TenantLifetimeSettings.builder()
                .timeZone(ZoneId.of("Europe/Berlin")).build();

        context = LifetimeContext.builder(tenant, client, request)
                .api(new ApiLifetimeSettings(API, 3600, 900))
                .user(user)
                .rules(rules)
                .build();
        engine = new DefaultLifetimeEngine();

        LifetimeDecisions check = engine.decide(context, Instant.now());
        String expected = variant.equals("none_match") ? "api.token_lifetime_for_web" : "rule:billing-invoices";
        if (!check.accessToken().decidedBy().equals(expected)) {
            throw new IllegalStateException(variant + ": expected " + expected + " but got "
                    + check.accessToken().traceJson());
        }
        long errors = check.accessToken().trace().stream().filter(step -> step.failed()).count();
        if (errors != (variant.equals("missing_keys") ? 2 : 0)) {
            throw new IllegalStateException(variant + ": unexpected errors " + check.accessToken().traceJson());
        }
    }

    private static CompiledLifetimeRule rule(LifetimeRuleCompiler compiler, String name, int priority,
            String condition, LifetimeEffect... effects) {
        return compiler.compile("id-" + name, name, priority, condition, List.of(effects));
    }

    @Benchmark
    public LifetimeDecisions decide() {
        return engine.decide(context, Instant.now());
    }

    /** Extra JMH command-line options (e.g. {@code -p variant=none_match -prof gc}) are honoured. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        Options options = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(LifetimeEngineBenchmark.class.getName() + ".*")
                .build();
        new Runner(options).run();
    }
}
