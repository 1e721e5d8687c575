package dev.tally.bench.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TokenResponseCheckTest {

    @Test
    void tokenResponseValidation() {
        assertNull(TokenResponseCheck.problem(
                "{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\",\"expires_in\":3600}", 3600));
        assertEquals("access_token does not have 3 non-empty dot-separated parts", TokenResponseCheck
                .problem("{\"access_token\":\"h.p\",\"token_type\":\"Bearer\",\"expires_in\":3600}", 3600));
        assertEquals("access_token does not have 3 non-empty dot-separated parts", TokenResponseCheck
                .problem("{\"access_token\":\"h..s\",\"token_type\":\"Bearer\",\"expires_in\":3600}", 3600));
        assertEquals("expires_in is 60, expected 3600", TokenResponseCheck
                .problem("{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\",\"expires_in\":60}", 3600));
        assertEquals("no access_token string", TokenResponseCheck.problem("{\"error\":\"x\"}", 3600));
        assertEquals("token_type is DPoP, expected Bearer", TokenResponseCheck
                .problem("{\"access_token\":\"h.p.s\",\"token_type\":\"DPoP\",\"expires_in\":3600}", 3600));
    }

    @Test
    void anAnswerThatIsNotJsonIsAProblemNotACrash() {
        String problem = TokenResponseCheck.problem("<html>502 Bad Gateway</html>", 3600);
        assertTrue(problem.startsWith("bad JSON: "), problem);
    }

    @Test
    void withoutAnExpectedLifetimeAnyPositiveExpiresInWillDo() {
        OptionalLong any = OptionalLong.empty();
        assertNull(TokenResponseCheck.problem(
                "{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\",\"expires_in\":60}", any));
        assertNull(TokenResponseCheck.problem(
                "{\"access_token\":\"h.p.s\",\"token_type\":\"bearer\",\"expires_in\":3600}", any));
        assertEquals("expires_in is null, expected a positive number of seconds", TokenResponseCheck
                .problem("{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\"}", any));
        assertEquals("expires_in is 60, expected a positive number of seconds", TokenResponseCheck
                .problem("{\"access_token\":\"h.p.s\",\"token_type\":\"Bearer\",\"expires_in\":\"60\"}", any));
        assertEquals("access_token does not have 3 non-empty dot-separated parts", TokenResponseCheck
                .problem("{\"access_token\":\"opaque\",\"token_type\":\"Bearer\",\"expires_in\":60}", any));
    }
}
