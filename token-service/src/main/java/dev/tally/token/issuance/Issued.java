package dev.tally.token.issuance;

import dev.tally.token.protocol.Scope;
import dev.tally.token.signing.TokenSigner.SignedToken;

/**
 * What one token request was issued, all of it signed and recorded: the access token, with {@code openid} the ID
 * token, with offline access the refresh token, and the scope granted.
 *
 * @param idToken      {@code null} without {@code openid}
 * @param refreshToken {@code null} when none is handed out
 */
public record Issued(SignedToken accessToken, SignedToken idToken, String refreshToken, Scope scope) {
}
