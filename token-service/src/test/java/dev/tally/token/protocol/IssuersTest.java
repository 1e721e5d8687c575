package dev.tally.token.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.token.settings.IssuerProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class IssuersTest {

    @Test
    void issuerWhenABaseUrlIsConfiguredThenItWhateverTheRequestSays() {
        Issuers issuers = new Issuers(new IssuerProperties("https://id.example.com/"));
        MockHttpServletRequest request = request("http", "attacker.test", 80, "");

        assertThat(issuers.issuer("acme", request)).isEqualTo("https://id.example.com/t/acme");
    }

    @Test
    void issuerWhenNoBaseUrlThenTheAddressTheRequestCameToWithItsContextPath() {
        Issuers issuers = new Issuers(new IssuerProperties(null));
        MockHttpServletRequest request = request("https", "id.example.com", 8443, "/auth");
        request.setQueryString("x=1");

        assertThat(issuers.issuer("acme", request)).isEqualTo("https://id.example.com:8443/auth/t/acme");
    }

    @Test
    void issuerWhenTheBaseUrlIsBlankThenTheRequestsAddress() {
        Issuers issuers = new Issuers(new IssuerProperties("  "));

        assertThat(issuers.issuer("acme", request("http", "localhost", 8080, ""))).isEqualTo("http://localhost:8080/t/acme");
    }

    private static MockHttpServletRequest request(String scheme, String host, int port, String contextPath) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", contextPath + "/t/acme/oauth/token");
        request.setScheme(scheme);
        request.setServerName(host);
        request.setServerPort(port);
        request.setContextPath(contextPath);
        return request;
    }
}
