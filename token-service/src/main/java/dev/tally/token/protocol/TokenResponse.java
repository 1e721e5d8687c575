package dev.tally.token.protocol;

import dev.tally.token.signing.TokenSigner.SignedToken;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** RFC 6749 §5.1: the successful token response, never cached. {@code expires_in} is exactly {@code exp - iat}. */
public final class TokenResponse {
    private TokenResponse() {
    }

    /**
     * @param idToken      {@code null} without {@code openid}
     * @param refreshToken {@code null} when none is handed out
     */
    public static ResponseEntity<Map<String, Object>> of(SignedToken accessToken, Scope scope, SignedToken idToken,
                                                         String refreshToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", accessToken.value());
        body.put("token_type", "Bearer");
        body.put("expires_in", accessToken.lifetimeSeconds());
        if (!scope.isEmpty()) {
            body.put("scope", scope.text());
        }
        if (idToken != null) {
            body.put("id_token", idToken.value());
        }
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .header(HttpHeaders.PRAGMA, "no-cache").body(body);
    }
}
