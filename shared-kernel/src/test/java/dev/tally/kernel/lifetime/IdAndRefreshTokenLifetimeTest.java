package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import static dev.tally.kernel.lifetime.LifetimeFixtures.alice;
import static dev.tally.kernel.lifetime.LifetimeFixtures.authorizationCode;
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

class IdAndRefreshTokenLifetimeTest {

    private static ClientProfile spaWithIdTokenLifetime(long seconds) {
        return ClientProfile.builder("spa-1", AppType.SPA).metadata(Map.of("tier", "onboarding"))
                .idTokenLifetime(seconds).build();
    }

    @ParameterizedTest(name = "client id_token_lifetime {0}, access rule {1} -> id {0}")
    @CsvSource({
        "7200,  60",
        "36000, 600",
        "300,   86400",
    })
    void idTokenWhenAccessTokenChangedByRuleThenIdTokenStillFollowsClient(long idTokenLifetime, long accessLifetime) {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("short-access", 1, "client.metadata.tier == 'onboarding'",
                        LifetimeEffect.accessTokenLifetime(accessLifetime)));
        LifetimeContext context = context(spaWithIdTokenLifetime(idTokenLifetime), authorizationCode(true))
                .user(alice()).rules(rules).build();

        LifetimeDecisions decisions = engine().decide(context);

        assertThat(decisions.accessToken().lifetimeSeconds()).isEqualTo(accessLifetime);
        assertThat(decisions.accessToken().decidedBy()).isEqualTo("rule:short-access");
        assertThat(decisions.idToken().lifetimeSeconds()).isEqualTo(idTokenLifetime);
        assertThat(decisions.idToken().decidedBy()).isEqualTo("client.id_token_lifetime");
        assertThat(decisions.idToken().trace()).containsExactly(
                TraceStep.set("client.id_token_lifetime", idTokenLifetime),
                TraceStep.clamp("tenant.max_token_lifetime", idTokenLifetime, false));
    }

    @Test
    void idTokenWhenClientUsesDefaultThen36000() {
        LifetimeContext context = context(ClientProfile.builder("web", AppType.REGULAR_WEB).build(),
                authorizationCode(false)).user(alice()).build();

        LifetimeDecision decision = engine().decide(context, TokenType.ID_TOKEN);

        assertThat(decision.lifetimeSeconds()).isEqualTo(36_000);
        assertThat(decision.decidedBy()).isEqualTo("client.id_token_lifetime");
    }

    @Test
    void idTokenWhenRuleHasIdEffectThenRuleSetsItAndAccessTokenKeepsApiLifetime() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(
                rule("admins-short-id", 1, "'admin' in user.roles", LifetimeEffect.idTokenLifetime(900)));
        LifetimeContext context = context(ClientProfile.builder("web", AppType.REGULAR_WEB).build(),
                authorizationCode(false)).user(alice()).rules(rules).build();

        LifetimeDecisions decisions = engine().decide(context);

        assertThat(decisions.idToken().lifetimeSeconds()).isEqualTo(900);
        assertThat(decisions.idToken().decidedBy()).isEqualTo("rule:admins-short-id");
        assertThat(decisions.accessToken().lifetimeSeconds()).isEqualTo(3600);
        assertThat(decisions.accessToken().decidedBy()).isEqualTo("api.token_lifetime");
    }

    @Test
    void idTokenWhenRuleExceedsTenantMaximumThenClampedToMaxTokenLifetimeNotWebMaximum() {
        TenantLifetimeSettings tenant = TenantLifetimeSettings.builder().maxTokenLifetime(100_000).build();
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("long-id", 1, "true", LifetimeEffect.idTokenLifetime(500_000)));
        LifetimeContext context = LifetimeContext.builder(tenant, spaWithIdTokenLifetime(3600), authorizationCode(true))
                .api(LifetimeFixtures.ORDERS_API).user(alice()).rules(rules).build();

        LifetimeDecision decision = engine().decide(context).idToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(100_000);
        assertThat(decision.decidedBy()).isEqualTo("tenant.max_token_lifetime");
        assertThat(decision.trace()).last().isEqualTo(TraceStep.clamp("tenant.max_token_lifetime", 100_000, true));
    }

    @ParameterizedTest(name = "client override {0} -> {1}s by {2}")
    @CsvSource({
        "0,       2592000, tenant.refresh_token_lifetime",
        "1209600, 1209600, client.refresh_token_lifetime",
    })
    void refreshTokenWhenClientOverridesThenClientElseTenantDefault(long override, long lifetime, String decidedBy) {
        ClientProfile.Builder client = ClientProfile.builder("native-1", AppType.NATIVE);
        if (override > 0) {
            client.refreshTokenLifetime(override);
        }
        LifetimeContext context = context(client.build(), authorizationCode(false)).user(alice()).build();

        LifetimeDecision decision = engine().decide(context).refreshToken();

        assertThat(decision.lifetimeSeconds()).isEqualTo(lifetime);
        assertThat(decision.decidedBy()).isEqualTo(decidedBy);
        assertThat(decision.trace()).last().isEqualTo(TraceStep.clamp("tenant.max_token_lifetime", lifetime, false));
    }

    @Test
    void refreshTokenWhenRuleMatchesThenRuleLifetime() {
        LifetimeRuleSet rules = LifetimeRuleSet.of(rule("refresh-grant", 3, "request.grant_type == 'refresh_token'",
                LifetimeEffect.refreshTokenLifetime(86_400), LifetimeEffect.accessTokenLifetime(300)));
        TokenRequest refresh = TokenRequest.forApi("refresh_token", LifetimeFixtures.ORDERS, List.of("offline_access"),
                false);
        LifetimeContext context = context(ClientProfile.builder("native-1", AppType.NATIVE).build(), refresh)
                .user(alice()).rules(rules).build();

        LifetimeDecisions decisions = engine().decide(context);

        assertThat(decisions.refreshToken().lifetimeSeconds()).isEqualTo(86_400);
        assertThat(decisions.refreshToken().decidedBy()).isEqualTo("rule:refresh-grant");
        assertThat(decisions.accessToken().lifetimeSeconds()).isEqualTo(300);
        assertThat(decisions.accessToken().decidedBy()).isEqualTo("rule:refresh-grant");
    }
}
