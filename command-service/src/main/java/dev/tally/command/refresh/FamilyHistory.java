package dev.tally.command.refresh;

import java.util.OptionalInt;

/**
 * The stored history of a refresh token family, as far as a {@link RefreshTokenFamily} needs it beyond its own copy:
 * whether another node has appended since this copy was read (families are cached, {@link RefreshFamilyCaching}: a
 * decision that appends meets the store's optimistic lock anyway, a refusal that records nothing does not), and
 * which generation an older token was (the family keeps only its current and previous tokens).
 */
public interface FamilyHistory {

    /** True if the store holds events of the family after sequence number {@code version}. */
    boolean movedPast(String familyId, long version);

    /**
     * The generation of the family's token with this SHA-256, as its stored events record it (the first token is 1),
     * or empty if the family never issued it. Reads the family's whole history: only for a token that is neither the
     * current nor the previous one, which is reuse or a guess.
     */
    OptionalInt generationOf(String familyId, String tokenHash);
}
