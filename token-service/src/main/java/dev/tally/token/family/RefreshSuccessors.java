package dev.tally.token.family;

import dev.tally.kernel.crypto.MasterKey;
import dev.tally.kernel.refresh.RefreshTokens;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * The one successor of a refresh token: {@code <family id>.<base64url(HMAC-SHA256(key, token))>}, under a key derived
 * from the master key. The same token always has the same successor, so every tab that presents it and every retry of
 * a request whose answer was lost get the same token, on any node; and the successor exists nowhere, not in an event,
 * a view or a log: it is recomputed from the presented token, which only its holder has. Only its SHA-256 is recorded.
 */
@Component
public class RefreshSuccessors {
    static final String PURPOSE = "refresh-token-successor/v1";

    private final SecretKeySpec key;

    public RefreshSuccessors(MasterKey masterKey) {
        this.key = new SecretKeySpec(masterKey.derive(PURPOSE), "HmacSHA256");
    }

    /** @throws IllegalArgumentException for a string that is not shaped like a refresh token */
    public String successorOf(String token) {
        String familyId = RefreshTokens.familyOf(token);
        if (familyId == null) {
            throw new IllegalArgumentException("not a refresh token");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] tag = mac.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return familyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
