package dev.tally.token.grant;

import static dev.tally.token.fixture.TokenFixtures.T0;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.kernel.api.TokenDialect;
import dev.tally.kernel.client.GrantTypes;
import dev.tally.kernel.management.ManagementScopes;
import dev.tally.kernel.token.TokenEvents.AccessTokenIssued;
import dev.tally.token.fixture.TokenFixtures;
import dev.tally.token.issuance.Issued;
import dev.tally.token.protocol.OAuthError;
import dev.tally.token.protocol.Scope;
import java.util.Date;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpStatus;

class ClientCredentialsGrantTest {
    static final String API = "https://api.acme.test";

    @RegisterExtension
    final TokenFixtures fx = new TokenFixtures();
    private ClientCredentialsGrant grant;

    @BeforeEach
    void world() {
        fx.tenant("acme");
        fx.api("acme", API, 600, false, "read:orders", "write:orders");
        fx.confidentialClient("acme", "m2m", "m2m-secret", GrantTypes.CLIENT_CREDENTIALS);
        grant = fx.clientCredentialsGrant();
    }

    @Test
    void typeIsClientCredentials() {
        assertThat(grant.type()).isEqualTo("client_credentials");
    }

    @Test
    void issueWhenAudienceMissingThenInvalidRequest() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "grant_type", "client_credentials")));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.getMessage()).startsWith("parameter 'audience' is required");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenAudienceIsNoApiOfTheTenantThenInvalidTarget() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", "https://nope.test")));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.getMessage()).isEqualTo("no API with identifier 'https://nope.test' in this tenant");
    }

    @Test
    void issueWhenTheApiIsAnotherTenantsThenInvalidTarget() {
        fx.tenant("globex");
        fx.api("globex", "https://api.globex.test", 600, false);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", "https://api.globex.test")));

        assertThat(error.error()).isEqualTo("invalid_target");
    }

    @Test
    void issueWhenTheApiWasDeletedThenInvalidTarget() {
        fx.apiDeleted(fx.config.api("acme", API).orElseThrow());

        assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", API))).error())
                .isEqualTo("invalid_target");
    }

    @Test
    void issueWhenScopesTheApiDefinesThenATokenForTheApiWithExactlyThoseScopes() throws Exception {
        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "audience", API, "scope", "write:orders"));

        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getAudience()).containsExactly(API);
        assertThat(claims.getSubject()).isEqualTo("m2m");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("m2m");
        assertThat(claims.getStringClaim("scope")).isEqualTo("write:orders");
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(T0.plusSeconds(600)));
        assertThat(issued.scope()).isEqualTo(Scope.parse("write:orders"));
        assertThat(issued.refreshToken()).isNull();
        assertThat(issued.idToken()).isNull();
        AccessTokenIssued record = fx.store().recordedOnce(AccessTokenIssued.class);
        assertThat(record.grantType()).isEqualTo("client_credentials");
        assertThat(record.jti()).isEqualTo(claims.getJWTID());
    }

    @Test
    void issueWhenNoScopeRequestedThenATokenWithoutScope() {
        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "audience", API));

        assertThat(issued.scope()).isEqualTo(Scope.NONE);
        assertThat(fx.verified("acme", issued.accessToken()).getClaim("scope")).isNull();
    }

    @Test
    void issueWhenAScopeTheApiDoesNotDefineThenInvalidScopeNamingIt() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", API,
                "scope", "read:orders delete:orders")));

        assertThat(error.error()).isEqualTo("invalid_scope");
        assertThat(error.getMessage()).isEqualTo("scope 'delete:orders' is not defined by API " + API);
        assertThat(fx.store().recorded()).isEmpty();
    }

    /** A machine has no user: the OpenID Connect scopes are not its to ask for. */
    @Test
    void issueWhenAUserScopeLikeOpenidThenInvalidScope() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", API, "scope", "openid")));

        assertThat(error.error()).isEqualTo("invalid_scope");
        assertThat(error.getMessage()).contains("'openid'");
    }

    @Test
    void issueWhenManagementAudienceAndNoManagementScopesGrantedThenInvalidTarget() {
        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", ManagementScopes.AUDIENCE)));

        assertThat(error.error()).isEqualTo("invalid_target");
        assertThat(error.getMessage()).isEqualTo("this client is not granted management of its tenant (urn:tally:management)");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenManagementAudienceAndNothingAskedThenEveryGrantedScopeForTheManagementAudience() throws Exception {
        fx.managementScopes("acme", "m2m", ManagementScopes.READ, ManagementScopes.REVOCATIONS_READ);

        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "audience", ManagementScopes.AUDIENCE));

        JWTClaimsSet claims = fx.verified("acme", issued.accessToken());
        assertThat(claims.getAudience()).containsExactly("urn:tally:management");
        assertThat(claims.getStringClaim("scope")).isEqualTo("tenant:read revocations:read");
        assertThat(issued.scope()).isEqualTo(Scope.parse("tenant:read revocations:read"));
        assertThat(fx.store().recordedOnce(AccessTokenIssued.class).audience()).isEqualTo("urn:tally:management");
    }

    @Test
    void issueWhenManagementAudienceAndAGrantedScopeAskedThenExactlyThatScope() throws Exception {
        fx.managementScopes("acme", "m2m", ManagementScopes.READ, ManagementScopes.REVOCATIONS_READ);

        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "audience", ManagementScopes.AUDIENCE,
                "scope", ManagementScopes.REVOCATIONS_READ));

        assertThat(fx.verified("acme", issued.accessToken()).getStringClaim("scope")).isEqualTo("revocations:read");
    }

    @Test
    void issueWhenManagementAudienceAndAScopeNotGrantedThenInvalidScope() {
        fx.managementScopes("acme", "m2m", ManagementScopes.READ);

        OAuthError error = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", ManagementScopes.AUDIENCE,
                "scope", "tenant:read tenant:admin")));

        assertThat(error.error()).isEqualTo("invalid_scope");
        assertThat(error.getMessage()).isEqualTo("scope 'tenant:admin' is not granted to this client; granted: tenant:read");
    }

    @Test
    void issueWhenManagementScopesWereWithdrawnThenInvalidTargetAgain() {
        fx.managementScopes("acme", "m2m", ManagementScopes.ADMIN);
        fx.managementScopes("acme", "m2m");

        assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", ManagementScopes.AUDIENCE))).error())
                .isEqualTo("invalid_target");
    }

    // --- resource (RFC 8707), default_audience, token_dialect

    @Test
    void issueWhenTheResourceNamesAnApiThenATokenForIt() throws Exception {
        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "resource", API, "scope", "read:orders"));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
    }

    @Test
    void issueWhenAudienceAndResourceAreEqualThenATokenForTheApi() throws Exception {
        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "audience", API, "resource", API));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
    }

    @Test
    void issueWhenAudienceAndResourceDifferOrResourcesDifferThenInvalidTargetAndNothingRecorded() {
        fx.api("acme", "https://billing.acme.test", 600, false);

        assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "audience", API,
                "resource", "https://billing.acme.test"))).error()).isEqualTo("invalid_target");
        assertThat(refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "resource", API,
                "resource", "https://billing.acme.test"))).error()).isEqualTo("invalid_target");
        assertThat(fx.store().recorded()).isEmpty();
    }

    @Test
    void issueWhenTheResourceNamesNoApiOrIsMalformedThenInvalidTarget() {
        OAuthError unknown = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "resource", "https://nope.test")));
        OAuthError malformed = refusal(() -> grant.issue(fx.grantRequest("acme", "m2m", "resource", "api.acme.test")));

        assertThat(unknown.error()).isEqualTo("invalid_target");
        assertThat(unknown.getMessage()).isEqualTo("no API with identifier 'https://nope.test' in this tenant");
        assertThat(malformed.error()).isEqualTo("invalid_target");
        assertThat(malformed.getMessage()).isEqualTo("resource must be an absolute URI (RFC 8707 §2)");
    }

    @Test
    void issueWhenTheResourceIsTheManagementAudienceThenAManagementToken() throws Exception {
        fx.managementScopes("acme", "m2m", "users:read");

        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "resource", ManagementScopes.AUDIENCE));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(ManagementScopes.AUDIENCE);
    }

    @Test
    void issueWhenNeitherIsNamedThenATokenForTheTenantsDefaultAudience() throws Exception {
        fx.defaultAudience("acme", API);

        Issued issued = grant.issue(fx.grantRequest("acme", "m2m", "grant_type", "client_credentials"));

        assertThat(fx.verified("acme", issued.accessToken()).getAudience()).containsExactly(API);
        assertThat(fx.store().recordedOnce(AccessTokenIssued.class).audience()).isEqualTo(API);
    }

    @Test
    void issueWhenTheApiIsInTheAccessTokenDialectThenTypJwtWithTheSameClaims() throws Exception {
        fx.api("acme", "https://legacy.acme.test", TokenDialect.ACCESS_TOKEN, "read");

        Issued legacy = grant.issue(fx.grantRequest("acme", "m2m", "audience", "https://legacy.acme.test", "scope", "read"));
        Issued rfc9068 = grant.issue(fx.grantRequest("acme", "m2m", "audience", API, "scope", "read:orders"));

        assertThat(SignedJWT.parse(legacy.accessToken().value()).getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(SignedJWT.parse(rfc9068.accessToken().value()).getHeader().getType().getType()).isEqualTo("at+jwt");
        assertThat(fx.verified("acme", legacy.accessToken()).getClaims().keySet())
                .isEqualTo(fx.verified("acme", rfc9068.accessToken()).getClaims().keySet());
    }
}
