package dev.tally.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.SignedJWT;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tally issue 16: a Spring Boot resource server (Spring Security 7, from the project's Spring Boot parent) accepts
 * Tally's access tokens configured as README's "Protect a Spring Boot API" says. With nothing but
 * {@code issuer-uri} and {@code audiences}, Spring Security accepts only {@code typ: JWT}: the tokens of an API with
 * {@code token_dialect} {@code access_token}. RFC 9068's {@code at+jwt} (every API's default) needs
 * {@code JwtValidators.createAtJwtValidator()}. Each case also shows a token being refused, so the server is not just
 * accepting everything.
 */
@ExtendWith(Tally.Server.class)
class SpringResourceServerInteropTest {
    static final String TENANT = "spring-rs";
    static final String LEDGER = "https://ledger.spring-rs.test";
    static final String REPORTS = "https://reports.spring-rs.test";

    static Tally tally;
    static String issuer;
    static String clientId;
    static String clientSecret;

    @BeforeAll
    static void tenantWithDefaultApisAndAMachineClient(Tally server) {
        tally = server;
        issuer = tally.issuer(TENANT);
        tally.tenant(TENANT);
        tally.api(TENANT, LEDGER, Map.of());
        tally.api(TENANT, REPORTS, Map.of());
        Response client = tally.client(TENANT, Map.of("name", "billing", "app_type", "non_interactive",
                "grant_types", List.of("client_credentials")));
        clientId = client.text("client_id");
        clientSecret = client.text("client_secret");
    }

    @Test
    void propertiesOnlyResourceServerAcceptsATokenOfAnAccessTokenDialectApiAndNoOtherAudience() throws Exception {
        String orders = "https://orders.spring-rs.test";
        String invoices = "https://invoices.spring-rs.test";
        tally.api(TENANT, orders, Map.of("token_dialect", "access_token"));
        tally.api(TENANT, invoices, Map.of("token_dialect", "access_token"));
        String token = token(orders);
        assertThat(SignedJWT.parse(token).getHeader().getType()).isEqualTo(JOSEObjectType.JWT);

        try (OrdersApi api = OrdersApi.propertiesOnly(issuer, orders)) {
            assertAccepted(api.getOrders(token));

            assertRefused(api.getOrders(token(invoices)), "aud");
        }
    }

    /** Spring Security 7's default: a JWT whose {@code typ} is not {@code JWT} is refused, for this reason alone. */
    @Test
    void propertiesOnlyResourceServerRefusesAnAtJwtTokenOfItsOwnAudience() {
        String token = token(LEDGER);

        try (OrdersApi api = OrdersApi.propertiesOnly(issuer, LEDGER)) {
            assertRefused(api.getOrders(token), "typ");
        }
    }

    @Test
    void atJwtValidatorResourceServerAcceptsADefaultTokenAndNoOtherAudience() {
        try (OrdersApi api = OrdersApi.withAtJwtValidator(issuer, LEDGER)) {
            assertAccepted(api.getOrders(token(LEDGER)));

            assertRefused(api.getOrders(token(REPORTS)), "aud");
        }
    }

    /** The endpoint answered, for the client the token was issued to. */
    private static void assertAccepted(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.headers().map().toString()).isEqualTo(200);
        assertThat(TestHttp.parse(answer.body()).get("sub").asString()).isEqualTo(clientId);
    }

    /** RFC 6750 §3.1's refusal, with a description that names the claim or header at fault. */
    private static void assertRefused(HttpResponse<String> answer, String why) {
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).contains("error=\"invalid_token\"").contains(why));
    }

    private static String token(String audience) {
        Response answer = tally.http().form("/t/" + TENANT + "/oauth/token", TestHttp.params("grant_type",
                "client_credentials", "audience", audience, "scope", "read:orders"), clientId, clientSecret);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.text("access_token");
    }
}
