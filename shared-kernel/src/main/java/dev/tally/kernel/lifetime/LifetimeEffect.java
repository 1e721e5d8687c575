package dev.tally.kernel.lifetime;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * What a matching {@link LifetimeRule} does to one token type. A rule carries at most one effect
 * per token type.
 */
public sealed interface LifetimeEffect permits LifetimeEffect.FixedLifetime, LifetimeEffect.DailyAt {

    /** The token type this effect sets. */
    TokenType tokenType();

    /** The lifetime this effect asks for, before the tenant's bounds are applied. */
    long lifetimeSeconds(Instant now, ZoneId zone);

    /** Suffix of the trace step after {@code rule:NAME}, empty for a plain lifetime. */
    String stepSuffix();

    /** {@code access_token_lifetime}: the access token lives this many seconds. */
    static LifetimeEffect accessTokenLifetime(long seconds) {
        return new FixedLifetime(TokenType.ACCESS_TOKEN, seconds);
    }

    /** {@code id_token_lifetime}: the ID token lives this many seconds. */
    static LifetimeEffect idTokenLifetime(long seconds) {
        return new FixedLifetime(TokenType.ID_TOKEN, seconds);
    }

    /** {@code refresh_token_lifetime}: the refresh token lives this many seconds. */
    static LifetimeEffect refreshTokenLifetime(long seconds) {
        return new FixedLifetime(TokenType.REFRESH_TOKEN, seconds);
    }

    /**
     * {@code expires_at: {"daily_at": "HH:MM"}}: the access token expires at the next occurrence of
     * this local time in the tenant's zone. Wall-clock effects target the access token only unless a
     * token type is named with {@link #expiresAtDailyAt(TokenType, LocalTime)}.
     */
    static LifetimeEffect expiresAtDailyAt(LocalTime time) {
        return new DailyAt(TokenType.ACCESS_TOKEN, time);
    }

    /** Like {@link #expiresAtDailyAt(LocalTime)} for an explicitly named token type. */
    static LifetimeEffect expiresAtDailyAt(TokenType tokenType, LocalTime time) {
        return new DailyAt(tokenType, time);
    }

    /** A fixed lifetime in seconds. */
    record FixedLifetime(TokenType tokenType, long seconds) implements LifetimeEffect {

        public FixedLifetime {
            requireToken(tokenType);
            Seconds.requirePositive(tokenType.wireName() + "_lifetime", seconds);
        }

        @Override
        public long lifetimeSeconds(Instant now, ZoneId zone) {
            return seconds;
        }

        @Override
        public String stepSuffix() {
            return "";
        }
    }

    /**
     * Expiry at the next occurrence of a local wall-clock time, strictly after the (whole-second)
     * issue time, in the tenant's zone.
     *
     * <p>Daylight saving follows {@link ZonedDateTime#ofLocal}: a time inside a spring-forward gap
     * (02:30 on a day clocks jump from 02:00 to 03:00) moves later by the gap's length (03:30); a time
     * inside a fall-back overlap occurs twice and whichever of the two comes next is used.
     *
     * <p>Because the issue time and every occurrence are whole seconds and the occurrence is strictly
     * later, the lifetime is always at least 1 s: evaluated at 23:59:59.9 (issued at 23:59:59) a
     * {@code 00:00} schedule gives 1 s; evaluated exactly at 00:00:00 it gives the following midnight.
     *
     * @param time whole seconds only (no fraction)
     */
    record DailyAt(TokenType tokenType, LocalTime time) implements LifetimeEffect {

        public DailyAt {
            requireToken(tokenType);
            Objects.requireNonNull(time, "daily_at must not be null");
            if (time.getNano() != 0) {
                throw new IllegalArgumentException("daily_at must be whole seconds, was " + time);
            }
        }

        @Override
        public long lifetimeSeconds(Instant now, ZoneId zone) {
            return nextOccurrenceAfter(now, zone).getEpochSecond() - now.getEpochSecond();
        }

        @Override
        public String stepSuffix() {
            return ".expires_at.daily_at";
        }

        /** The first instant strictly after {@code now} at which the zone's clock shows {@link #time}. */
        public Instant nextOccurrenceAfter(Instant now, ZoneId zone) {
            // Start a day early: around an overlap at midnight, yesterday's local time can still lie ahead.
            LocalDate date = LocalDate.ofInstant(now, zone).minusDays(1);
            for (int day = 0; day < 4; day++, date = date.plusDays(1)) {
                ZonedDateTime earlier = ZonedDateTime.ofLocal(date.atTime(time), zone, null);
                if (earlier.toInstant().isAfter(now)) {
                    return earlier.toInstant();
                }
                ZonedDateTime later = earlier.withLaterOffsetAtOverlap();
                if (later.toInstant().isAfter(now)) {
                    return later.toInstant();
                }
            }
            // Unreachable for real zone rules: every local time recurs within two days.
            throw new IllegalStateException("no occurrence of " + time + " in " + zone + " after " + now);
        }
    }

    private static void requireToken(TokenType tokenType) {
        Objects.requireNonNull(tokenType, "token type must not be null");
        if (!tokenType.isToken()) {
            throw new IllegalArgumentException("rule effects apply to tokens only, not " + tokenType.wireName());
        }
    }
}
