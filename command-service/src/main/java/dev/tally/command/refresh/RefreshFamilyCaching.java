package dev.tally.command.refresh;

import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps {@link RefreshTokenFamily} aggregates in memory between commands, so a rotation does not read the family's
 * whole history again (a family remembers every token it issued and is not snapshotted, so that read grows with
 * every rotation).
 *
 * <p>The cache saves the read, never a decision on an outdated copy: every decision that records something appends at
 * the next sequence number, so when another node has appended since this copy was read the append fails on the
 * store's unique key, the unit of work rolls back and Axon evicts the copy; the caller sends the command again and it
 * is decided on the history read afresh. The two refusals that record nothing (a token the family never issued, the
 * leeway's bound reached) first ask the store, through {@link FamilyHistory}, whether the history moved past the copy,
 * and are retried the same way if it did.
 *
 * <p>{@link WeakReferenceCache}: an entry lives until the garbage collector finds it unreferenced, so an idle family
 * costs no memory; a busy one is read from the store again after each collection.
 */
@Configuration(proxyBeanMethods = false)
public class RefreshFamilyCaching {
    public static final String CACHE = "refreshTokenFamilyCache";

    @Bean(CACHE)
    public Cache refreshTokenFamilyCache() {
        return new WeakReferenceCache();
    }

    @Bean
    public FamilyHistory refreshFamilyHistory(EventStore eventStore) {
        return (familyId, version) -> eventStore.lastSequenceNumberFor(familyId).map(last -> last > version).orElse(false);
    }
}
