package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import static dev.tally.kernel.lifetime.LifetimeFixtures.NOW_SECONDS;
import static dev.tally.kernel.lifetime.LifetimeFixtures.ORDERS;
import static dev.tally.kernel.lifetime.LifetimeFixtures.USERINFO;
import static dev.tally.kernel.lifetime.LifetimeFixtures.alice;
import static dev.tally.kernel.lifetime.LifetimeFixtures.authorizationCode;
import static dev.tally.kernel.lifetime.LifetimeFixtures.client;
import static dev.tally.kernel.lifetime.LifetimeFixtures.clientCredentials;
import static dev.tally.kernel.lifetime.LifetimeFixtures.context;
import static dev.tally.kernel.lifetime.LifetimeFixtures.engine;
import static dev.tally.kernel.lifetime.LifetimeFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.lifetime.trace.TraceStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessTokenLifetimeTest {

    private static final LifetimeRuleSet ONBOARDING_RULES = LifetimeRuleSet.of(
            rule("onboarding-m2m", 10, "client.metadata.tier == \"onboarding\"",
                    LifetimeEffect.accessTokenLifetime(60)));

    @ParameterizedTest(name = "tier {0} -> {1}s decided by {2}")
    @CsvSource({
        "onboarding, 60,   rule:onboarding-m2m",
        "gold,       3600, api.token_lifetime",
    })
    void accessTokenWhenM2mClientTierThenRuleOrApiTokenLifetime(String tier, long lifetime, String decidedBy) {
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE, Map.of("tier", tier)), clientCredentials())
                .rules(ONBOARDING_RULES)
                .build();

        LifetimeDecision decision = engine().decide(context, TokenType.ACCESS_TOKEN);

        assertThat(decision.lifetimeSeconds()).isEqualTo(lifetime);
        assertThat(decision.decidedBy()).isEqualTo(decidedBy);
        assertThat(decision.expiresAt()).isEqualTo(NOW_SECONDS.plusSeconds(lifetime));
        assertThat(decision.trace()).last()
                .isEqualTo(TraceStep.clamp("tenant.max_token_lifetime", lifetime, false));
    }

    @ParameterizedTest(name = "{0}, browser flow {1} -> {2}s by {3}")
    @CsvSource({
        "SPA,             false, 900,  api.token_lifetime_for_web, tenant.max_token_lifetime_for_web",
        "SPA,             true,  900,  api.token_lifetime_for_web, tenant.max_token_lifetime_for_web",
        "REGULAR_WEB,     false, 3600, api.token_lifetime,         tenant.max_token_lifetime",
        "REGULAR_WEB,     true,  900,  api.token_lifetime_for_web, tenant.max_token_lifetime_for_web",
        "NATIVE,          false, 3600, api.token_lifetime,         tenant.max_token_lifetime",
        "NON_INTERACTIVE, false, 3600, api.token_lifetime,         tenant.max_token_lifetime",
    })
    void accessTokenWhenAppTypeAndFlowThenApiLifetimeForThatFlow(AppType appType, boolean browserFlow, long lifetime,
            String decidedBy, String boundStep) {
        LifetimeContext context = context(client(appType), authorizationCode(browserFlow)).user(alice()).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(lifetime);
        assertThat(decision.decidedBy()).isEqualTo(decidedBy);
        assertThat(decision.trace()).containsExactly(
                TraceStep.set(decidedBy, lifetime),
                TraceStep.clamp(boundStep, lifetime, false));
    }

    @Test
    void accessTokenWhenSpaClientThenApiTokenLifetimeForWeb() {
        LifetimeContext context = context(client(AppType.SPA), authorizationCode(false)).user(alice()).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(900);
        assertThat(decision.decidedBy()).isEqualTo("api.token_lifetime_for_web");
    }

    @Test
    void accessTokenWhenSpaClientAndApiHasNoWebLifetimeThenApiTokenLifetime() {
        ApiLifetimeSettings api = new ApiLifetimeSettings(ORDERS, 3600);
        LifetimeContext context = context(client(AppType.SPA), authorizationCode(true)).api(api).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(3600);
        assertThat(decision.decidedBy()).isEqualTo("api.token_lifetime");
        assertThat(decision.trace()).last()
                .isEqualTo(TraceStep.clamp("tenant.max_token_lifetime_for_web", 3600, false));
    }

    @Test
    void accessTokenWhenSpaClientMatchesRuleThenTraceShowsWebBaseRuleAndWebBound() {
        LifetimeContext context = context(client(AppType.SPA, Map.of("tier", "onboarding")), authorizationCode(true))
                .user(alice())
                .rules(ONBOARDING_RULES)
                .build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(60);
        assertThat(decision.decidedBy()).isEqualTo("rule:onboarding-m2m");
        assertThat(decision.traceJson()).isEqualTo("[{\"step\":\"api.token_lifetime_for_web\",\"value\":900},"
                + "{\"step\":\"rule:onboarding-m2m\",\"value\":60},"
                + "{\"step\":\"tenant.max_token_lifetime_for_web\",\"value\":60,\"clamped\":false}]");
    }

    @ParameterizedTest(name = "browser flow {0}: rule asks {1}s -> {2}s by {3}")
    @CsvSource({
        "true,  200000,  86400,   tenant.max_token_lifetime_for_web",
        "false, 5000000, 2592000, tenant.max_token_lifetime",
    })
    void accessTokenWhenRuleExceedsTenantMaximumThenClampedAndTraced(boolean browserFlow, long asked, long lifetime,
            String boundStep) {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("long-lived", 1, "true", LifetimeEffect.accessTokenLifetime(asked)));
        LifetimeContext context = context(client(AppType.REGULAR_WEB), authorizationCode(browserFlow))
                .user(alice()).rules(rules).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(lifetime);
        assertThat(decision.decidedBy()).isEqualTo(boundStep);
        assertThat(decision.trace()).endsWith(
                TraceStep.set("rule:long-lived", asked),
                TraceStep.clamp(boundStep, lifetime, true));
        assertThat(decision.traceJson()).endsWith(
                "{\"step\":\"" + boundStep + "\",\"value\":" + lifetime + ",\"clamped\":true}]");
    }

    @Test
    void accessTokenWhenTenantLowersMaximumThenApiLifetimeClamped() {
        TenantLifetimeSettings tenant = TenantLifetimeSettings.builder()
                .maxTokenLifetime(1800).maxTokenLifetimeForWeb(600).build();
        LifetimeContext context = LifetimeContext.builder(tenant, client(AppType.NON_INTERACTIVE), clientCredentials())
                .api(LifetimeFixtures.ORDERS_API).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(1800);
        assertThat(decision.decidedBy()).isEqualTo("tenant.max_token_lifetime");
    }

    @Test
    void accessTokenWhenAudienceIsUserinfoOnlyThenTenantDefaultTokenLifetime() {
        TenantLifetimeSettings tenant = TenantLifetimeSettings.builder().defaultTokenLifetime(7200).build();
        TokenRequest request = TokenRequest.forUserinfo("authorization_code", USERINFO, List.of("openid"), false);
        LifetimeContext context = LifetimeContext.builder(tenant, client(AppType.REGULAR_WEB), request)
                .user(alice()).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(7200);
        assertThat(decision.decidedBy()).isEqualTo("tenant.default_token_lifetime");
        assertThat(decision.trace()).containsExactly(
                TraceStep.set("tenant.default_token_lifetime", 7200),
                TraceStep.clamp("tenant.max_token_lifetime", 7200, false));
    }

    @Test
    void accessTokenWhenUserinfoOnlyWithDefaultsThenTenantDefault86400() {
        TokenRequest request = TokenRequest.forUserinfo("authorization_code", USERINFO, List.of("openid"), false);
        LifetimeContext context = LifetimeContext.builder(TenantLifetimeSettings.defaults(),
                client(AppType.NATIVE), request).user(alice()).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(86_400);
        assertThat(decision.decidedBy()).isEqualTo("tenant.default_token_lifetime");
    }

    @Test
    void accessTokenWhenTwoRulesMatchThenLowerPriorityNumberWins() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("later", 20, "true", LifetimeEffect.accessTokenLifetime(120)),
                rule("earlier", 5, "client.app_type == 'non_interactive'", LifetimeEffect.accessTokenLifetime(30)));
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE), clientCredentials()).rules(rules).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(30);
        assertThat(decision.decidedBy()).isEqualTo("rule:earlier");
        assertThat(decision.trace()).extracting(TraceStep::step)
                .containsExactly("api.token_lifetime", "rule:earlier", "tenant.max_token_lifetime");
    }

    @Test
    void accessTokenWhenRulesTieOnPriorityThenNameDecides() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("b-rule", 7, "true", LifetimeEffect.accessTokenLifetime(200)),
                rule("a-rule", 7, "true", LifetimeEffect.accessTokenLifetime(100)));
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE), clientCredentials()).rules(rules).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(100);
        assertThat(decision.decidedBy()).isEqualTo("rule:a-rule");
    }

    @Test
    void accessTokenWhenEarlierMatchingRuleHasNoAccessEffectThenLaterAccessRuleApplies() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("id-only", 1, "true", LifetimeEffect.idTokenLifetime(600)),
                rule("access", 2, "true", LifetimeEffect.accessTokenLifetime(300)));
        LifetimeContext context = context(client(AppType.REGULAR_WEB), authorizationCode(false))
                .user(alice()).rules(rules).build();

        LifetimeDecisions decisions = engine().decide(context);

        assertThat(decisions.accessToken().lifetimeSeconds()).isEqualTo(300);
        assertThat(decisions.accessToken().decidedBy()).isEqualTo("rule:access");
        assertThat(decisions.idToken().lifetimeSeconds()).isEqualTo(600);
        assertThat(decisions.idToken().decidedBy()).isEqualTo("rule:id-only");
    }

    @ParameterizedTest(name = "{0} -> {1}s by {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "'admin' in user.roles && request.grant_type == 'authorization_code' | 120  | rule:r",
        "request.scopes.exists(s, s.startsWith('read:'))                    | 120  | rule:r",
        "user.metadata.plan == 'free'                                       | 3600 | api.token_lifetime",
        "now > client.created_at + duration('24h')                          | 120  | rule:r",
        "now - user.created_at < duration('720h')                           | 3600 | api.token_lifetime",
        "has(user.id) && !request.browser_flow                              | 120  | rule:r",
        "request.audience == 'https://api.example.com/orders'               | 120  | rule:r",
        "client.id == 'client-regular_web' && !request.userinfo_only        | 120  | rule:r",
        "has(client.metadata.tier) && client.metadata.tier == 'onboarding'  | 3600 | api.token_lifetime",
        "'tier' in client.metadata && client.metadata.tier == 'onboarding'  | 3600 | api.token_lifetime",
    })
    void accessTokenWhenConditionUsesEachVariableThenEvaluatedAgainstTheRequest(String condition, long lifetime,
            String decidedBy) {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("r", 1, condition, LifetimeEffect.accessTokenLifetime(120)));
        LifetimeContext context = context(client(AppType.REGULAR_WEB), authorizationCode(false))
                .user(alice()).rules(rules).build();

        LifetimeDecision decision = engine().decide(context).accessToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(lifetime);
        assertThat(decision.decidedBy()).isEqualTo(decidedBy);
        assertThat(decision.trace()).noneMatch(TraceStep::failed);
    }

    @Test
    void accessTokenWhenSingleTypeRequestedThenSameAsFullDecision() {
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE, Map.of("tier", "onboarding")),
                clientCredentials()).rules(ONBOARDING_RULES).build();

        assertThat(engine().decide(context, TokenType.ACCESS_TOKEN)).isEqualTo(engine().decide(context).accessToken());
    }

    @Test
    void expiresAtWhenClockHasFractionThenWholeSecondIssueTimePlusLifetime() {
        LifetimeContext context = context(client(AppType.NON_INTERACTIVE), clientCredentials()).build();

        LifetimeDecisions decisions = engine().decide(context);

        assertThat(decisions.issuedAt()).isEqualTo(NOW_SECONDS);
        for (TokenType type : TokenType.values()) {
            LifetimeDecision decision = decisions.get(type);
            assertThat(decision.tokenType()).isEqualTo(type);
            assertThat(decision.expiresAt().getEpochSecond() - decisions.issuedAt().getEpochSecond())
                    .isEqualTo(decision.lifetimeSeconds());
            assertThat(decision.expiresAt().getNano()).isZero();
        }
    }
}
