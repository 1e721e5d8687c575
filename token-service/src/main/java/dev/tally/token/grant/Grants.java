package dev.tally.token.grant;

import dev.tally.token.protocol.OAuthError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Every grant the token endpoint offers, by {@code grant_type}, in the order discovery lists them (each grant's {@code @Order}). */
@Component
public class Grants {
    private final Map<String, Grant> byType = new LinkedHashMap<>();

    public Grants(List<Grant> grants) {
        grants.forEach(g -> byType.put(g.type(), g));
    }

    /** The grant types offered, as discovery lists them. */
    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    /**
     * The grant type as the token endpoint's metrics tag it: the type itself if Tally offers it, else
     * {@code other}, so a client sending made-up types adds no series.
     */
    public String offered(String grantType) {
        return grantType != null && byType.containsKey(grantType) ? grantType : "other";
    }

    /** @throws OAuthError {@code unsupported_grant_type} for any other */
    public Grant of(String grantType) {
        Grant grant = byType.get(grantType);
        if (grant == null) {
            throw OAuthError.unsupportedGrantType("grant_type '" + grantType + "' is not supported; supported: " + types());
        }
        return grant;
    }
}
