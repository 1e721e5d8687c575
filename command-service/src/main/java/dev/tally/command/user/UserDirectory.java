package dev.tally.command.user;

/**
 * What the user aggregate asks about the rest of its tenant before it decides: usernames are unique per tenant,
 * compared in their canonical (lower-case) form. Answered from the command side's catalog, in the transaction
 * that appends the events; the catalog's unique constraint is the guarantee under concurrency.
 */
public interface UserDirectory {

    /** True if a user of the tenant other than {@code exceptUserId} has this canonical username. */
    boolean usernameTaken(String tenantId, String canonicalUsername, String exceptUserId);
}
