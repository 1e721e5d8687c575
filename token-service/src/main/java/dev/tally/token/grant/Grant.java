package dev.tally.token.grant;

import dev.tally.token.issuance.Issued;

/**
 * One OAuth grant type (RFC 6749 §4): decides whether the request earns tokens, and which, and asks the
 * {@link dev.tally.token.issuance.TokenIssuer} for them. A refusal is an {@link dev.tally.token.protocol.OAuthError}.
 */
public interface Grant {
    /** The {@code grant_type} this grant answers. */
    String type();

    /** What the request is issued; the client is already authenticated and allowed this grant type. */
    Issued issue(GrantRequest request);
}
