package dev.tally.command.refresh;

/**
 * The stored history of a refresh token family, as far as a {@link RefreshTokenFamily} needs it beyond its own copy:
 * whether another node has appended since this copy was read. Needed because families are cached
 * ({@link RefreshFamilyCaching}): a decision that appends meets the store's optimistic lock anyway, a refusal that
 * records nothing does not.
 */
@FunctionalInterface
public interface FamilyHistory {

    /** True if the store holds events of the family after sequence number {@code version}. */
    boolean movedPast(String familyId, long version);
}
