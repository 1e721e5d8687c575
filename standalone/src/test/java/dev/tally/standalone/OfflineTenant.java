package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.kernel.refresh.RefreshTokens;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.util.List;
import java.util.Map;

/**
 * A tenant set up over HTTP for work with refresh tokens: an API that allows offline access, a confidential client
 * with the password and refresh grants (it also introspects), and one user. Each {@link #login()} is a password grant
 * with {@code offline_access}: a new refresh token family.
 */
record OfflineTenant(TestHttp http, String tenant, String api, String clientId, String clientSecret, String userId) {
    static final String PASSWORD = "correct horse battery staple";

    /** Tokens of one login. */
    record Login(String access, String refresh) {
        String familyId() {
            return RefreshTokens.familyOf(refresh);
        }
    }

    static OfflineTenant create(TestHttp http, String tenant) {
        Response created = http.admin("POST", "/admin/tenants", Map.of("id", tenant, "name", tenant));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String api = "https://api." + tenant + ".test";
        Response apiCreated = http.admin("POST", "/admin/tenants/" + tenant + "/apis", Map.of("identifier", api,
                "name", "API", "token_lifetime", 3600, "scopes", List.of("read:orders"), "allow_offline_access", true));
        assertThat(apiCreated.status()).as(apiCreated.toString()).isEqualTo(201);
        Response client = http.admin("POST", "/admin/tenants/" + tenant + "/clients", Map.of("name", "app",
                "app_type", "regular_web", "grant_types", List.of("password", "refresh_token")));
        assertThat(client.status()).as(client.toString()).isEqualTo(201);
        Response user = http.admin("POST", "/admin/tenants/" + tenant + "/users", Map.of("username", "alice",
                "password", PASSWORD));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        return new OfflineTenant(http, tenant, api, client.text("client_id"), client.text("client_secret"),
                user.text("user_id"));
    }

    /** The password grant with {@code offline_access}, as sent (for tests that count answers). */
    Response passwordGrant() {
        return http.form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type", "password", "username", "alice",
                "password", PASSWORD, "audience", api, "scope", "offline_access read:orders"), clientId, clientSecret);
    }

    /** A new login that must succeed. */
    Login login() {
        Response r = passwordGrant();
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.text("refresh_token")).as(r.toString()).isNotNull();
        return new Login(r.text("access_token"), r.text("refresh_token"));
    }

    /** RFC 7009 revocation by the client that holds the token. */
    Response revoke(String token) {
        return http.form("/t/" + tenant + "/oauth/revoke", TestHttp.params("token", token), clientId, clientSecret);
    }

    /** RFC 7662: whether the token is active. */
    boolean active(String token) {
        Response r = http.form("/t/" + tenant + "/oauth/introspect", TestHttp.params("token", token), clientId,
                clientSecret);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("active").asBoolean();
    }
}
