package dev.tally.console.session;

import dev.tally.console.api.Credential;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The console's signed-in sessions, in this node's memory: the credential never leaves the server, and the browser
 * holds only a random id. Bounded in number, idle time and age (by the injected clock), and forgotten on restart,
 * which only means signing in again. Before sign-in nothing is stored: the sign-in form's token is a MAC of a random
 * value in a cookie of its own, so anonymous visitors cannot fill this map.
 */
public final class ConsoleSessions {
    private static final Base64.Encoder ID = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, ConsoleSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final byte[] signInKey = new byte[32];
    private final Duration idleTimeout;
    private final Duration maxAge;
    private final int maxSessions;
    private final Clock clock;

    /** The limits are {@code tally.console.idle-timeout}, {@code max-age} and {@code max-sessions}. */
    public ConsoleSessions(Duration idleTimeout, Duration maxAge, int maxSessions, Clock clock) {
        this.idleTimeout = idleTimeout;
        this.maxAge = maxAge;
        this.maxSessions = maxSessions;
        this.clock = clock;
        random.nextBytes(signInKey);
    }

    /** Thrown when {@code tally.console.max-sessions} live sessions exist already. */
    public static final class Full extends RuntimeException {
        Full() {
            super("the console has as many signed-in sessions as tally.console.max-sessions allows; try again later");
        }
    }

    /** A new session for a credential the management API accepted; always a new id (no fixation). */
    public ConsoleSession open(Credential credential) {
        Instant now = clock.instant();
        if (sessions.size() >= maxSessions) {
            sessions.values().removeIf(s -> expired(s, now));
            if (sessions.size() >= maxSessions) {
                throw new Full();
            }
        }
        ConsoleSession session = new ConsoleSession(randomText(), randomText(), credential, now);
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session of this id, marked as used now; an expired one is dropped. */
    public Optional<ConsoleSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        ConsoleSession session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            sessions.remove(id, session);
            return Optional.empty();
        }
        session.seen(now);
        return Optional.of(session);
    }

    public void close(ConsoleSession session) {
        sessions.remove(session.id(), session);
    }

    public int size() {
        return sessions.size();
    }

    /** A random value for the sign-in cookie. */
    public String newSignInNonce() {
        return randomText();
    }

    /** The sign-in form's token for the browser holding this sign-in cookie value. */
    public String signInToken(String nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signInKey, "HmacSHA256"));
            return ID.encodeToString(mac.doFinal(nonce.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Compares without leaking where two tokens differ. */
    public static boolean same(String expected, String presented) {
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private boolean expired(ConsoleSession s, Instant now) {
        return !now.isBefore(s.lastSeen().plus(idleTimeout))
                || !now.isBefore(s.signedInAt().plus(maxAge));
    }

    private String randomText() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return ID.encodeToString(bytes);
    }
}
