package dev.tally.token.issuance;

import static dev.tally.token.fixture.TokenFixtures.ID_TOKEN_LIFETIME;
import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.issuer;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.crypto.SecretHash;
import dev.tally.kernel.lifetime.LifetimeDecision;
import dev.tally.kernel.lifetime.TenantLifetimeSettings;
import dev.tally.kernel.lifetime.trace.TraceStep;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.kernel.refresh.RefreshCommands.StartRefreshTokenFamily;
import dev.tally.kernel.refresh.RefreshTokenSettings;
import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.kernel.refresh.RotationMode;
import dev.tally.kernel.refresh.TenantRefreshSettings;
import dev.tally.kernel.rule.RuleEffects;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.kernel.token.TokenEvents.IdTokenIssued;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.issuance.UserTokens.Jtis;
import dev.tally.token.issuance.UserTokens.Login;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import dev.tally.token.signing.TokenVerifier;
import dev.tally.token.view.TokenConfigState.ApiView;
import dev.tally.token.view.TokenConfigState.ClientView;
import dev.tally.token.view.TokenConfigState.TenantView;
import dev.tally.token.view.TokenConfigState.UserView;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

class TokenIssuerTest {
    static final String API = "https://api.acme.test";
    static final String USERINFO = issuer("acme") + "/userinfo";
    static final Instant AUTH_TIME = T0.minusSeconds(42);

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private TokenIssuer issuer;
    private ApiView api;
    private ClientView web;
    private UserView alice;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        api = fx.api("acme", API, 600, true, "read:orders", "write:orders");
        web = fx.confidentialClient("acme", "web", "web-secret", GrantTypes.AUTHORIZATION_CODE, GrantTypes.REFRESH_TOKEN,
                GrantTypes.CLIENT_CREDENTIALS);
        alice = fx.user("acme", "alice", "correct horse");
        issuer = fx.issuer();
    }

    // ---- machine tokens

    @Test
    void machineTokenWhenIssuedThenIatIsTheClocksWholeSecondAndExpTheEnginesLifetime() {
        fx.clock.set(T0.plusMillis(789));

        Issued issued = issuer.machineToken(acme(), web, api, Scope.parse("read:orders"), issuer("acme"));

        LifetimeDecision decision = fx.lifetimes().accessToken(acme(), web, api, GrantTypes.CLIENT_CREDENTIALS,
                List.of("read:orders"), false, T0);
        assertThat(decision.lifetimeSeconds()).isEqualTo(600);
        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(T0));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(decision.expiresAt()));
        assertThat(issued.accessToken().issuedAt()).isEqualTo(T0);
        assertThat(issued.accessToken().lifetimeSeconds()).isEqualTo(600);

        fx.clock.advance(Duration.ofSeconds(90));
        Issued later = issuer.machineToken(acme(), web, api, Scope.NONE, issuer("acme"));
        assertThat(later.accessToken().issuedAt()).isEqualTo(T0.plusSeconds(90));
        assertThat(later.accessToken().expiresAt()).isEqualTo(T0.plusSeconds(690));
    }

    @Test
    void machineTokenWhenIssuedThenAnAtJwtForTheClientThatVerifiesWithTheTenantsJwks() throws Exception {
        Issued issued = issuer.machineToken(acme(), web, api, Scope.parse("read:orders write:orders"), issuer("acme"));

        assertThat(TokenVerifier.type(issued.accessToken().value())).isEqualTo("at+jwt");
        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getSubject()).isEqualTo("web");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("web");
        assertThat(claims.getAudience()).containsExactly(API);
        assertThat(claims.getStringClaim("scope")).isEqualTo("read:orders write:orders");
        assertThat(claims.getJWTID()).isEqualTo(issued.accessToken().jti()).isNotBlank();
        assertThat(issued.idToken()).isNull();
        assertThat(issued.refreshToken()).isNull();
        assertThat(issued.scope()).isEqualTo(Scope.parse("read:orders write:orders"));
    }

    @Test
    void machineTokenWhenIssuedThenTheRecordCarriesTheDecisionAndItsTrace() {
        Issued issued = issuer.machineToken(acme(), web, api, Scope.parse("read:orders"), issuer("acme"));

        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record).isEqualTo(new AccessTokenIssued("acme", issued.accessToken().jti(), "web", "web", API,
                "read:orders", GrantTypes.CLIENT_CREDENTIALS, T0, T0.plusSeconds(600), 600, "api.token_lifetime",
                List.of(TraceStep.set("api.token_lifetime", 600), TraceStep.clamp("tenant.max_token_lifetime", 600, false)),
                null, null));
    }

    @Test
    void machineTokenWhenARuleMatchesThenTheRuleDecidesAndTheRecordNamesIt() {
        fx.rule("acme", "machines live short", 10, "request.grant_type == 'client_credentials'",
                new RuleEffects(120L, null, null, null));

        Issued issued = issuer.machineToken(acme(), web, api, Scope.NONE, issuer("acme"));

        assertThat(issued.accessToken().lifetimeSeconds()).isEqualTo(120);
        assertThat(fx.verified("acme", issued.accessToken()).getExpirationTime()).isEqualTo(Date.from(T0.plusSeconds(120)));
        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record.decidedBy()).isEqualTo("rule:machines live short");
        assertThat(record.lifetimeTrace()).containsExactly(TraceStep.set("api.token_lifetime", 600),
                TraceStep.set("rule:machines live short", 120), TraceStep.clamp("tenant.max_token_lifetime", 120, false));
    }

    @Test
    void machineTokenWhenTheApiAsksMoreThanTheTenantMaximumThenTheMaximumDecides() {
        fx.tenantLifetimes("acme", TenantLifetimeSettings.builder().maxTokenLifetime(300).maxTokenLifetimeForWeb(300)
                .defaultTokenLifetime(300).build());

        Issued issued = issuer.machineToken(acme(), web, api, Scope.NONE, issuer("acme"));

        assertThat(issued.accessToken().lifetimeSeconds()).isEqualTo(300);
        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record.decidedBy()).isEqualTo("tenant.max_token_lifetime");
        assertThat(record.lifetimeTrace()).containsExactly(TraceStep.set("api.token_lifetime", 600),
                TraceStep.clamp("tenant.max_token_lifetime", 300, true));
    }

    @Test
    void managementTokenWhenIssuedThenForTheManagementAudienceWithTheTenantsDefaultLifetime() throws Exception {
        Issued issued = issuer.managementToken(acme(), web, Scope.parse(ManagementScopes.READ), issuer("acme"));

        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getAudience()).containsExactly(ManagementScopes.AUDIENCE);
        assertThat(claims.getSubject()).isEqualTo("web");
        assertThat(claims.getStringClaim("scope")).isEqualTo(ManagementScopes.READ);
        long defaultLifetime = TenantLifetimeSettings.DEFAULT_DEFAULT_TOKEN_LIFETIME;
        assertThat(issued.accessToken().lifetimeSeconds()).isEqualTo(defaultLifetime);
        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record.audience()).isEqualTo(ManagementScopes.AUDIENCE);
        assertThat(record.grantType()).isEqualTo(GrantTypes.CLIENT_CREDENTIALS);
        assertThat(record.decidedBy()).isEqualTo("tenant.default_token_lifetime");
    }

    @Test
    void machineTokenWhenTheStoreRefusesTheRecordThenTemporarilyUnavailable() {
        fx.store().refuseAppends(true);

        OAuthError error = refusal(() -> issuer.machineToken(acme(), web, api, Scope.NONE, issuer("acme")));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(error.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(fx.store().recorded()).isEmpty();
    }

    // ---- user tokens

    @Test
    void userTokensWhenOpenidThenAnIdTokenForTheClientAndBothRecordedInOneCommit() throws Exception {
        Issued issued = issuer.userTokens(codeTokens("openid read:orders", api));

        JWTClaimsSet access = fx.verified("acme", issued.accessToken());
        assertThat(access.getSubject()).isEqualTo(alice.userId());
        assertThat(access.getAudience()).containsExactly(API, USERINFO);
        assertThat(access.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(access.getStringClaim("fid")).isNull();
        JWTClaimsSet id = fx.verified("acme", issued.idToken());
        assertThat(id.getAudience()).containsExactly("web");
        assertThat(id.getStringClaim("nonce")).isEqualTo("n-1");
        assertThat(id.getLongClaim("auth_time")).isEqualTo(AUTH_TIME.getEpochSecond());
        assertThat(id.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(id.getExpirationTime()).isEqualTo(Date.from(T0.plusSeconds(ID_TOKEN_LIFETIME)));
        assertThat(TokenVerifier.type(issued.idToken().value())).isEqualTo("JWT");

        AccessTokenIssued accessRecord = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(accessRecord.jti()).isEqualTo("jti-access");
        assertThat(accessRecord.audience()).isEqualTo(API + " " + USERINFO);
        assertThat(accessRecord.sessionId()).isEqualTo("ses_1");
        assertThat(accessRecord.decidedBy()).isEqualTo("api.token_lifetime");
        assertThat(fx.store().recordedOnce(IdTokenIssued.class)).isEqualTo(new IdTokenIssued("acme", "jti-id", "web",
                alice.userId(), "ses_1", T0, T0.plusSeconds(ID_TOKEN_LIFETIME), ID_TOKEN_LIFETIME,
                "client.id_token_lifetime", List.of(TraceStep.set("client.id_token_lifetime", ID_TOKEN_LIFETIME),
                        TraceStep.clamp("tenant.max_token_lifetime", ID_TOKEN_LIFETIME, false))));
        assertThat(fx.store().commits()).as("the tokens of one response are recorded together").isEqualTo(1);
    }

    @Test
    void userTokensWhenNoOpenidThenNoIdTokenAndTheApiAlone() {
        Issued issued = issuer.userTokens(codeTokens("read:orders", api));

        assertThat(issued.idToken()).isNull();
        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
        assertThat(fx.store().recorded(IdTokenIssued.class)).isEmpty();
    }

    @Test
    void userTokensWhenNoApiThenAUserinfoTokenOfTheTenantsDefaultLifetime() {
        Issued issued = issuer.userTokens(codeTokens("openid", null));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(USERINFO);
        assertThat(issued.accessToken().lifetimeSeconds()).isEqualTo(TenantLifetimeSettings.DEFAULT_DEFAULT_TOKEN_LIFETIME);
        assertThat(fx.store().recordedOnce(AccessTokenIssued.class).decidedBy()).isEqualTo("tenant.default_token_lifetime");
    }

    /**
     * The login's records ride with the family's start (one durable commit for both): the family appends them in its
     * unit of work, so nothing is recorded apart.
     */
    @Test
    void userTokensWhenOfflineAccessIsGrantedThenAFamilyIsStartedCarryingTheTokensRecords() throws Exception {
        Issued issued = issuer.userTokens(codeTokens("openid offline_access read:orders", api));

        assertThat(issued.refreshToken()).isNotNull();
        String familyId = RefreshTokens.familyOf(issued.refreshToken());
        assertThat(familyId).startsWith("rtf_");
        assertThat(issued.scope()).isEqualTo(Scope.parse("openid offline_access read:orders"));
        StartRefreshTokenFamily start = fx.commands.sentOnce(StartRefreshTokenFamily.class);
        assertThat(start).usingRecursiveComparison().ignoringFields("issued").isEqualTo(new StartRefreshTokenFamily(
                familyId, "acme", "web", alice.userId(), "ses_1", SecretHash.of(issued.refreshToken()),
                "openid offline_access read:orders", API, RotationMode.ROTATE,
                TenantLifetimeSettings.DEFAULT_REFRESH_TOKEN_LIFETIME, TenantRefreshSettings.DEFAULTS.idleTokenLifetime(),
                TenantRefreshSettings.DEFAULTS.leeway()));
        JWTClaimsSet access = fx.verified("acme", issued.accessToken());
        assertThat(access.getStringClaim("fid")).isEqualTo(familyId);
        AccessTokenIssued accessRecord = start.issued().accessToken();
        assertThat(accessRecord.jti()).isEqualTo(access.getJWTID());
        assertThat(accessRecord.familyId()).isEqualTo(familyId);
        assertThat(accessRecord.sessionId()).isEqualTo("ses_1");
        assertThat(accessRecord.subject()).isEqualTo(alice.userId());
        assertThat(accessRecord.grantType()).isEqualTo(GrantTypes.AUTHORIZATION_CODE);
        assertThat(accessRecord.scope()).isEqualTo("openid offline_access read:orders");
        assertThat(accessRecord.expiresAt()).isEqualTo(access.getExpirationTime().toInstant());
        assertThat(start.issued().idToken().jti()).isEqualTo(issued.idToken().jti());
        assertThat(fx.store().recorded()).as("nothing recorded apart from the start").isEmpty();
    }

    @Test
    void userTokensWhenTheClientHasRefreshSettingsThenTheFamilyTakesThemAndTheEnginesLifetime() {
        fx.clientRefresh("acme", "web", new RefreshTokenSettings(RotationMode.NONE, 3_600L, 600L, 30L));
        ClientView configured = fx.clientView("acme", "web");

        issuer.userTokens(new UserTokens(acme(), configured, alice, api, Scope.parse("offline_access"),
                GrantTypes.AUTHORIZATION_CODE, issuer("acme"), new Login("ses_1", AUTH_TIME, null),
                new Jtis("jti-access", "jti-id"), null));

        StartRefreshTokenFamily start = fx.commands.sentOnce(StartRefreshTokenFamily.class);
        assertThat(start.rotation()).isEqualTo(RotationMode.NONE);
        assertThat(start.absoluteLifetime()).as("client.refresh_token_lifetime, through the engine").isEqualTo(3_600);
        assertThat(start.idleLifetime()).isEqualTo(600);
        assertThat(start.leeway()).isEqualTo(30);
    }

    @Test
    void userTokensWhenTheApiDoesNotAllowOfflineAccessThenItIsNotGrantedAndNoFamilyStarts() throws Exception {
        ApiView online = fx.api("acme", "https://online.acme.test", 300, false, "read");

        Issued issued = issuer.userTokens(codeTokens("offline_access read", online));

        assertThat(issued.refreshToken()).isNull();
        assertThat(issued.scope()).isEqualTo(Scope.parse("read"));
        assertThat(fx.verified("acme", issued.accessToken()).getStringClaim("scope")).isEqualTo("read");
        assertThat(fx.commands.sent(StartRefreshTokenFamily.class)).isEmpty();
    }

    @Test
    void userTokensWhenTheClientMayNotRefreshThenOfflineAccessIsNotGranted() {
        ClientView noRefresh = fx.confidentialClient("acme", "web2", "secret-2", GrantTypes.AUTHORIZATION_CODE);

        Issued issued = issuer.userTokens(new UserTokens(acme(), noRefresh, alice, api,
                Scope.parse("openid offline_access"), GrantTypes.AUTHORIZATION_CODE, issuer("acme"),
                new Login("ses_1", AUTH_TIME, null), Jtis.fresh(), null));

        assertThat(issued.refreshToken()).isNull();
        assertThat(issued.scope()).isEqualTo(Scope.parse("openid"));
        assertThat(fx.commands.sent(StartRefreshTokenFamily.class)).isEmpty();
    }

    /** A refresh of a family started in a login session: its token answers to the family (fid) and the session (sid). */
    @Test
    void userTokensWhenARefreshThenSidAndFidNoNewFamilyAndTheSameRefreshTokenBack() throws Exception {
        String refresh = RefreshTokens.newToken("rtf_existingfamily0000000001");

        Issued issued = issuer.userTokens(new UserTokens(acme(), web, alice, api, Scope.parse("offline_access read:orders"),
                GrantTypes.REFRESH_TOKEN, issuer("acme"), new Login("ses_1", null, null), new Jtis("jti-r", "jti-ri"),
                refresh));

        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getStringClaim("sid")).isEqualTo("ses_1");
        assertThat(claims.getStringClaim("fid")).isEqualTo("rtf_existingfamily0000000001");
        assertThat(issued.refreshToken()).isEqualTo(refresh);
        assertThat(fx.commands.sent(StartRefreshTokenFamily.class)).isEmpty();
        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record.grantType()).isEqualTo(GrantTypes.REFRESH_TOKEN);
        assertThat(record.sessionId()).isEqualTo("ses_1");
        assertThat(record.familyId()).isEqualTo("rtf_existingfamily0000000001");
    }

    @Test
    void userTokensWhenTheStoreRefusesTheRecordThenTemporarilyUnavailableAndNothingIsRecorded() {
        fx.store().refuseAppends(true);

        OAuthError error = refusal(() -> issuer.userTokens(codeTokens("openid read:orders", api)));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(error.getMessage()).isEqualTo("the token could not be recorded; retry shortly");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void userTokensWhenTheFamilyCannotBeStartedForAStoreFailureThenTemporarilyUnavailableAndNothingIsRecorded() {
        fx.commands.answer(StartRefreshTokenFamily.class, command -> {
            throw new EventStoreException("the store is down");
        });

        OAuthError error = refusal(() -> issuer.userTokens(codeTokens("offline_access read:orders", api)));

        assertThat(error.error()).isEqualTo("temporarily_unavailable");
        assertThat(fx.store().recorded()).isEmpty();
    }

    private TenantView acme() {
        return fx.tenantView("acme");
    }

    /** What the authorization code grant asks for alice, logged in in session ses_1. */
    private UserTokens codeTokens(String scope, ApiView forApi) {
        return new UserTokens(acme(), web, alice, forApi, Scope.parse(scope), GrantTypes.AUTHORIZATION_CODE,
                issuer("acme"), new Login("ses_1", AUTH_TIME, "n-1"), new Jtis("jti-access", "jti-id"), null);
    }
}
