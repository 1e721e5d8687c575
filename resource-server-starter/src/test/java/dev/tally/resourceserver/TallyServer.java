package dev.tally.resourceserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.testsupport.Browser;
import dev.tally.testsupport.StandaloneJar;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * A real Tally for the starter's tests: the standalone jar the build made, as a process of its own
 * ({@link StandaloneJar}), so that nothing of Tally is on the test application's class path; set up through the
 * management API and signed in to through its login page, as a user does.
 */
final class TallyServer implements AutoCloseable {
    static final String PASSWORD = "correct horse battery staple";
    static final String CALLBACK = "http://127.0.0.1/callback";

    private final StandaloneJar server = StandaloneJar.start("starter");

    String baseUrl() {
        return server.baseUrl();
    }

    String issuer(String tenant) {
        return server.issuer(tenant);
    }

    TestHttp http() {
        return server.http();
    }

    /** A management API call that must answer {@code status}. */
    Response admin(String method, String path, Object body, int status) {
        Response answer = http().admin(method, path, body);
        assertThat(answer.status()).as("%s %s: %s", method, path, answer).isEqualTo(status);
        return answer;
    }

    /** A token of the client credentials grant for {@code audience}. */
    String clientCredentials(String tenant, String clientId, String secret, String audience) {
        Response answer = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type",
                "client_credentials", "audience", audience), clientId, secret);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.text("access_token");
    }

    /**
     * The code flow with PKCE as a web application runs it: the user signs in at Tally's login page, the code is
     * exchanged with the client's secret. Returns the token response.
     */
    Response signIn(String tenant, String clientId, String secret, String username, String scope, String audience) {
        String verifier = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        HttpResponse<String> submitted = new Browser(baseUrl()).logIn("/t/" + tenant + "/authorize?" + Browser.encode(
                Map.of("response_type", "code", "client_id", clientId, "redirect_uri", CALLBACK, "scope", scope,
                        "audience", audience, "state", "s1", "code_challenge", challenge(verifier),
                        "code_challenge_method", "S256")), tenant, username, PASSWORD);
        assertThat(submitted.statusCode()).as("the login: %s", submitted.body()).isEqualTo(302);
        String code = Browser.redirectParams(submitted).get("code");
        assertThat(code).as("the redirect: %s", submitted.headers().map()).isNotNull();
        Response tokens = http().form("/t/" + tenant + "/oauth/token", TestHttp.params("grant_type",
                "authorization_code", "code", code, "redirect_uri", CALLBACK, "code_verifier", verifier), clientId, secret);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return tokens;
    }

    /** RFC 7636's S256 challenge. */
    private static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
