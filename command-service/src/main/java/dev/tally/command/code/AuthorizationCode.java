package dev.tally.command.code;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.tally.kernel.code.CodeCommands.IssueAuthorizationCode;
import dev.tally.kernel.code.CodeCommands.RedeemAuthorizationCode;
import dev.tally.kernel.code.CodeEvents.AuthorizationCodeIssued;
import dev.tally.kernel.code.CodeEvents.AuthorizationCodeRedeemed;
import dev.tally.kernel.code.CodeEvents.AuthorizationCodeReused;
import dev.tally.kernel.code.CodeRedemption;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * An authorization code (RFC 6749 §4.1): single use, short-lived, bound to its client, redirect URI and PKCE
 * challenge. Whether it is still unused is decided here, atomically: two concurrent redemptions meet the event
 * store's optimistic lock and only one wins. A second use is refused and revokes what the first one issued.
 */
@Aggregate
public class AuthorizationCode {
    @AggregateIdentifier
    private String codeId;
    private String tenantId;
    private String clientId;
    private String userId;
    private String sessionId;
    private String redirectUri;
    private String codeChallenge;
    private String scope;
    private String audience;
    private String nonce;
    private Instant authTime;
    private Instant expiresAt;
    private List<String> issuedTokenIds;
    private boolean reused;

    protected AuthorizationCode() {
    }

    @CommandHandler
    public AuthorizationCode(IssueAuthorizationCode command, Clock clock) {
        if (command.lifetimeSeconds() <= 0) {
            throw new IllegalArgumentException("a code must live a positive number of seconds");
        }
        Instant now = clock.instant();
        apply(new AuthorizationCodeIssued(command.codeId(), command.tenantId(), command.clientId(), command.userId(),
                command.sessionId(), command.redirectUri(), command.codeChallenge(), command.scope(), command.audience(),
                command.nonce(), command.authTime(), now, now.plusSeconds(command.lifetimeSeconds())));
    }

    @CommandHandler
    CodeRedemption handle(RedeemAuthorizationCode command, Clock clock) {
        // Another tenant's or client's code is, to this caller, no code at all: nothing is recorded.
        if (!tenantId.equals(command.tenantId()) || !clientId.equals(command.clientId())) {
            return CodeRedemption.refused("the code was not issued to this client");
        }
        Instant now = clock.instant();
        if (issuedTokenIds != null) {
            if (!reused) {
                apply(new AuthorizationCodeReused(codeId, tenantId, clientId, userId, issuedTokenIds, now));
            }
            return CodeRedemption.refused("the code was already used; the tokens it issued are revoked");
        }
        if (!now.isBefore(expiresAt)) {
            return CodeRedemption.refused("the code has expired");
        }
        if (!redirectUri.equals(command.redirectUri())) {
            return CodeRedemption.refused("redirect_uri differs from the one the code was issued for");
        }
        if (codeChallenge != null && !codeChallenge.equals(s256(command.codeVerifier()))) {
            return CodeRedemption.refused("code_verifier does not match the code_challenge");
        }
        if (codeChallenge == null && command.codeVerifier() != null) {
            return CodeRedemption.refused("code_verifier sent for a code issued without code_challenge");
        }
        apply(new AuthorizationCodeRedeemed(codeId, tenantId, clientId, userId, command.tokenIds(), now));
        return new CodeRedemption(true, null, userId, sessionId, scope, audience, nonce, authTime);
    }

    @EventSourcingHandler
    void on(AuthorizationCodeIssued e) {
        this.codeId = e.codeId();
        this.tenantId = e.tenantId();
        this.clientId = e.clientId();
        this.userId = e.userId();
        this.sessionId = e.sessionId();
        this.redirectUri = e.redirectUri();
        this.codeChallenge = e.codeChallenge();
        this.scope = e.scope();
        this.audience = e.audience();
        this.nonce = e.nonce();
        this.authTime = e.authTime();
        this.expiresAt = e.expiresAt();
    }

    @EventSourcingHandler
    void on(AuthorizationCodeRedeemed e) {
        this.issuedTokenIds = e.tokenIds();
    }

    @EventSourcingHandler
    void on(AuthorizationCodeReused e) {
        this.reused = true;
    }

    /** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
    static String s256(String verifier) {
        if (verifier == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
