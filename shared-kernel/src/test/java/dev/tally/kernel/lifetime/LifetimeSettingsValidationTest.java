package dev.tally.kernel.lifetime;

import dev.tally.kernel.client.AppType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class LifetimeSettingsValidationTest {

    static Stream<Arguments> invalidTenantSettings() {
        return Stream.of(
                tenant("max_token_lifetime", b -> b.maxTokenLifetime(0)),
                tenant("max_token_lifetime", b -> b.maxTokenLifetime(-1)),
                tenant("max_token_lifetime_for_web", b -> b.maxTokenLifetimeForWeb(0)),
                tenant("default_token_lifetime", b -> b.defaultTokenLifetime(-60)),
                tenant("session_idle_timeout", b -> b.sessionIdleTimeout(0)),
                tenant("session_absolute_timeout", b -> b.sessionAbsoluteTimeout(-1)),
                tenant("refresh_token_lifetime", b -> b.refreshTokenLifetime(0)),
                tenant("max_token_lifetime_for_web (90000) must not exceed max_token_lifetime (86400)",
                        b -> b.maxTokenLifetime(86_400).maxTokenLifetimeForWeb(90_000)),
                tenant("session_idle_timeout (7200) must not exceed session_absolute_timeout (3600)",
                        b -> b.sessionIdleTimeout(7200).sessionAbsoluteTimeout(3600)),
                tenant("max_token_lifetime must be at most", b -> b.maxTokenLifetime(Long.MAX_VALUE)));
    }

    private static Arguments tenant(String message, Consumer<TenantLifetimeSettings.Builder> change) {
        return Arguments.of(message, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTenantSettings")
    void tenantSettingsWhenNonsenseThenRejectedNamingTheField(String message,
            Consumer<TenantLifetimeSettings.Builder> change) {
        TenantLifetimeSettings.Builder builder = TenantLifetimeSettings.builder();
        change.accept(builder);

        assertThatIllegalArgumentException().isThrownBy(builder::build).withMessageContaining(message);
    }

    @Test
    void tenantSettingsWhenTimeZoneMissingThenRejectedNamingTheField() {
        assertThatNullPointerException().isThrownBy(() -> TenantLifetimeSettings.builder().timeZone(null).build())
                .withMessageContaining("time_zone");
    }

    @Test
    void tenantSettingsWhenDefaultsThenNamedDefaults() {
        TenantLifetimeSettings settings = TenantLifetimeSettings.defaults();

        assertThat(settings.maxTokenLifetime()).isEqualTo(2_592_000);
        assertThat(settings.maxTokenLifetimeForWeb()).isEqualTo(86_400);
        assertThat(settings.defaultTokenLifetime()).isEqualTo(86_400);
        assertThat(settings.timeZone().getId()).isEqualTo("UTC");
        assertThat(settings.sessionIdleTimeout()).isEqualTo(259_200);
        assertThat(settings.sessionAbsoluteTimeout()).isEqualTo(2_592_000);
        assertThat(settings.refreshTokenLifetime()).isEqualTo(2_592_000);
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }

    @Test
    void tenantSettingsWhenMaximumAboveDefaultsThenAcceptedAsTheTenantsChoice() {
        TenantLifetimeSettings settings = TenantLifetimeSettings.builder()
                .maxTokenLifetime(31_536_000).maxTokenLifetimeForWeb(31_536_000).build();

        assertThat(settings.maxTokenLifetime()).isEqualTo(31_536_000);
    }

    @ParameterizedTest(name = "api {0}/{1} -> {2}")
    @CsvSource({
        "0,    0,    token_lifetime must be a positive",
        "-5,   0,    token_lifetime must be a positive",
        "3600, -1,   token_lifetime_for_web must be a positive",
        "3600, 7200, token_lifetime_for_web (7200) must not exceed token_lifetime (3600)",
    })
    void apiSettingsWhenNonsenseThenRejectedNamingTheField(long tokenLifetime, long forWeb, String message) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> {
                    if (forWeb == 0) {
                        new ApiLifetimeSettings("https://api", tokenLifetime);
                    } else {
                        new ApiLifetimeSettings("https://api", tokenLifetime, forWeb);
                    }
                })
                .withMessageContaining(message);
    }

    @Test
    void apiSettingsWhenWebEqualsTokenLifetimeThenAccepted() {
        assertThat(new ApiLifetimeSettings("https://api", 3600, 3600).tokenLifetimeForWeb()).hasValue(3600);
    }

    static Stream<Arguments> invalidClients() {
        return Stream.of(
                client("id_token_lifetime", b -> b.idTokenLifetime(0)),
                client("refresh_token_lifetime", b -> b.refreshTokenLifetime(-1)),
                client("session_idle_timeout", b -> b.sessionIdleTimeout(0)),
                client("session_absolute_timeout", b -> b.sessionAbsoluteTimeout(-30)),
                client("session_idle_timeout (600) must not exceed session_absolute_timeout (300)",
                        b -> b.sessionIdleTimeout(600).sessionAbsoluteTimeout(300)));
    }

    private static Arguments client(String message, Consumer<ClientProfile.Builder> change) {
        return Arguments.of(message, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidClients")
    void clientProfileWhenNonsenseThenRejectedNamingTheField(String message, Consumer<ClientProfile.Builder> change) {
        ClientProfile.Builder builder = ClientProfile.builder("c1", AppType.SPA);
        change.accept(builder);

        assertThatIllegalArgumentException().isThrownBy(builder::build).withMessageContaining(message);
    }

    @Test
    void ruleEffectsWhenNonPositiveOrForSessionsOrDuplicatedThenRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> LifetimeEffect.accessTokenLifetime(0))
                .withMessageContaining("access_token_lifetime");
        assertThatIllegalArgumentException().isThrownBy(() -> LifetimeEffect.idTokenLifetime(-1))
                .withMessageContaining("id_token_lifetime");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LifetimeEffect.FixedLifetime(TokenType.SESSION_IDLE_TIMEOUT, 60))
                .withMessageContaining("tokens only");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LifetimeRule("r", "r", 1, "true", List.of(LifetimeEffect.accessTokenLifetime(60),
                        LifetimeEffect.expiresAtDailyAt(java.time.LocalTime.MIDNIGHT))))
                .withMessageContaining("access_token twice");
        assertThatIllegalArgumentException().isThrownBy(() -> new LifetimeRule("r", "r", 1, "true", List.of()))
                .withMessageContaining("effects");
    }

    @Test
    void contextWhenApiAndUserinfoDisagreeThenRejected() {
        ClientProfile client = ClientProfile.builder("c1", AppType.REGULAR_WEB).build();
        TokenRequest userinfo = TokenRequest.forUserinfo("authorization_code", "https://t/userinfo", List.of(), false);
        TokenRequest apiRequest = TokenRequest.forApi("authorization_code", "https://api", List.of(), false);
        TenantLifetimeSettings tenant = TenantLifetimeSettings.defaults();

        assertThatIllegalArgumentException().isThrownBy(() -> LifetimeContext.builder(tenant, client, userinfo)
                .api(new ApiLifetimeSettings("https://t/userinfo", 60)).build());
        assertThatIllegalArgumentException().isThrownBy(() -> LifetimeContext.builder(tenant, client, apiRequest)
                .build()).withMessageContaining("api settings are required");
        assertThatIllegalArgumentException().isThrownBy(() -> LifetimeContext.builder(tenant, client, apiRequest)
                .api(new ApiLifetimeSettings("https://other", 60)).build()).withMessageContaining("audience");
    }

    @Test
    void profilesWhenMetadataPassedThenDefensivelyCopied() {
        java.util.HashMap<String, String> metadata = new java.util.HashMap<>(Map.of("tier", "gold"));
        ClientProfile client = ClientProfile.builder("c1", AppType.SPA).metadata(metadata).build();
        UserProfile user = new UserProfile("u1", metadata, List.of("admin"), Instant.EPOCH);
        metadata.put("tier", "onboarding");

        assertThat(client.metadata()).containsEntry("tier", "gold");
        assertThat(user.metadata()).containsEntry("tier", "gold");
    }

    @Test
    void appTypeWhenWireNameThenParsedElseRejected() {
        assertThat(AppType.parse("regular_web")).isEqualTo(AppType.REGULAR_WEB);
        assertThatThrownBy(() -> AppType.parse("desktop"))
                .isInstanceOfSatisfying(dev.tally.kernel.problem.InvalidInput.class, e -> assertThat(e.field()).isEqualTo("app_type"));
    }
}
