package dev.tally.token.protocol;

import static dev.tally.token.fixture.TokenFixtures.form;
import static dev.tally.token.fixture.TokenFixtures.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;

class OAuthRequestTest {

    @Test
    void singleWhenAbsentOrEmptyThenNull() {
        OAuthRequest request = new OAuthRequest(Map.of("empty", new String[] {""}, "none", new String[0]));

        assertThat(request.single("absent")).isNull();
        assertThat(request.single("empty")).isNull();
        assertThat(request.single("none")).isNull();
    }

    @Test
    void singleWhenPresentOnceThenTheValue() {
        assertThat(form("grant_type", "client_credentials").single("grant_type")).isEqualTo("client_credentials");
    }

    @Test
    void singleWhenRepeatedThenInvalidRequestNamingIt() {
        OAuthRequest request = form("scope", "a", "scope", "b");

        OAuthError error = refusal(() -> request.single("scope"));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(error.getMessage()).isEqualTo("parameter 'scope' is repeated");
    }

    @Test
    void singleWhenRepeatedEvenIfOneIsEmptyThenInvalidRequest() {
        assertThat(refusal(() -> form("code", "abc", "code", "").single("code")).error()).isEqualTo("invalid_request");
    }

    @Test
    void requiredWhenAbsentOrEmptyThenInvalidRequestNamingIt() {
        OAuthError absent = refusal(() -> form().required("code"));
        OAuthError empty = refusal(() -> form("code", "").required("code"));

        assertThat(absent.error()).isEqualTo("invalid_request");
        assertThat(absent.getMessage()).isEqualTo("parameter 'code' is required");
        assertThat(empty.getMessage()).isEqualTo("parameter 'code' is required");
    }

    @Test
    void scopeWhenAbsentThenNoneElseParsed() {
        assertThat(form().scope()).isEqualTo(Scope.NONE);
        assertThat(form("scope", "openid  read").scope().values()).containsExactly("openid", "read");
    }

    @Test
    void formPostWhenFormBodyThenItsParameters() {
        MockHttpServletRequest http = post("application/x-www-form-urlencoded;charset=UTF-8");
        http.addParameter("grant_type", "client_credentials");

        assertThat(OAuthRequest.formPost(http).single("grant_type")).isEqualTo("client_credentials");
    }

    @Test
    void formPostWhenNotAFormThenInvalidRequest() {
        OAuthError json = refusal(() -> OAuthRequest.formPost(post("application/json")));
        OAuthError none = refusal(() -> OAuthRequest.formPost(post(null)));

        assertThat(json.error()).isEqualTo("invalid_request");
        assertThat(json.getMessage()).isEqualTo("the body must be application/x-www-form-urlencoded");
        assertThat(none.getMessage()).isEqualTo("the body must be application/x-www-form-urlencoded");
    }

    @Test
    void formPostWhenParametersInTheUrlThenInvalidRequest() {
        MockHttpServletRequest http = post("application/x-www-form-urlencoded");
        http.setQueryString("code=abc");

        OAuthError error = refusal(() -> OAuthRequest.formPost(http));

        assertThat(error.error()).isEqualTo("invalid_request");
        assertThat(error.getMessage()).isEqualTo("parameters belong in the body, not the URL");
    }

    @Test
    void formPostWhenEmptyQueryStringThenAccepted() {
        MockHttpServletRequest http = post("application/x-www-form-urlencoded");
        http.setQueryString("");

        assertThat(OAuthRequest.formPost(http).parameters()).isEmpty();
    }

    private static MockHttpServletRequest post(String contentType) {
        MockHttpServletRequest http = new MockHttpServletRequest("POST", "/t/acme/oauth/token");
        http.setContentType(contentType);
        return http;
    }
}
