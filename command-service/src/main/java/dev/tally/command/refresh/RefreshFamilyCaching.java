package dev.tally.command.refresh;

import dev.tally.kernel.refresh.RefreshEvents.RefreshTokenFamilyStarted;
import dev.tally.kernel.refresh.RefreshEvents.TokenRotated;
import dev.tally.platform.axon.LeastRecentlyUsedCache;
import dev.tally.platform.axon.SavepointTransactionManager;
import dev.tally.platform.axon.SheddingSnapshotter;
import dev.tally.platform.axon.TransactionBatchingExecutor;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * How a {@link RefreshTokenFamily} is loaded: from its latest snapshot and the events after it, so a rotation reads
 * at most {@value #SNAPSHOT_EVERY} events however long the family has lived, and from memory between commands.
 *
 * <p>The cache saves the read, never a decision on an outdated copy: every decision that records something appends at
 * the next sequence number, so when another node has appended since this copy was read the append fails on the
 * store's unique key, the unit of work rolls back and Axon evicts the copy; the caller sends the command again and it
 * is decided on the history read afresh. The two refusals that record nothing (a token the family never issued, the
 * leeway's bound reached) first ask the store, through {@link FamilyHistory}, whether the history moved past the copy,
 * and are retried the same way if it did.
 *
 * <p>{@link LeastRecentlyUsedCache} of {@value #CACHED_FAMILIES} families: the busy families stay, and a family
 * unused while that many others were used is read again from its snapshot when it comes back. Axon's weak-reference
 * cache, used before, lost every family at each young collection, and the rotations that met one paid a snapshot's
 * read and decoding each (BENCHMARKS.md, "Refresh rotation").
 */
@Configuration(proxyBeanMethods = false)
public class RefreshFamilyCaching {
    public static final String CACHE = "refreshTokenFamilyCache";
    public static final String SNAPSHOTS = "refreshTokenFamilySnapshots";
    /** Events between snapshots of a family. */
    public static final int SNAPSHOT_EVERY = 20;
    /** Families kept in memory between commands, the least recently used dropped first. */
    public static final int CACHED_FAMILIES = 4_096;

    @Bean(CACHE)
    public Cache refreshTokenFamilyCache() {
        return new LeastRecentlyUsedCache(CACHED_FAMILIES);
    }

    @Bean(SNAPSHOTS)
    public SnapshotTriggerDefinition refreshTokenFamilySnapshots(
            @Qualifier("refreshFamilySnapshotter") Snapshotter snapshotter) {
        return new EventCountSnapshotTriggerDefinition(new SheddingSnapshotter(snapshotter), SNAPSHOT_EVERY);
    }

    /**
     * Takes snapshots on a thread of its own, after the command's transaction: taken in the command's thread it would
     * need a second connection while many commands hold one each, and a busy pool would wait on itself. Each snapshot
     * is a savepoint in its batch's transaction ({@link SavepointTransactionManager}), so one that fails (two nodes
     * storing the same family's snapshot) takes only itself back, on PostgreSQL too.
     */
    @Bean
    public SpringAggregateSnapshotter refreshFamilySnapshotter(org.axonframework.config.Configuration configuration,
                                                              HandlerDefinition handlerDefinition,
                                                              ParameterResolverFactory parameterResolverFactory,
                                                              EventStore eventStore,
                                                              PlatformTransactionManager transactions,
                                                              SnapshotterSpanFactory spanFactory,
                                                              @Qualifier("refreshFamilySnapshotExecutor") Executor executor) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(configuration::repository)
                .transactionManager(new SavepointTransactionManager(transactions))
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spanFactory)
                .executor(executor)
                .build();
    }

    /**
     * One thread, and one transaction for all the snapshots that queued while it committed the previous ones or
     * within 100 ms of the first (at most 64): one H2 chunk and one sync for many, where each had its own
     * (BENCHMARKS.md, "Refresh rotation", 2026-12-06, night). A snapshot that finds 10,000 queued is refused and
     * skipped ({@link SheddingSnapshotter}); the family's next trigger, {@value #SNAPSHOT_EVERY} events later, asks
     * again.
     */
    @Bean(destroyMethod = "shutdown")
    public TransactionBatchingExecutor refreshFamilySnapshotExecutor(TransactionManager transactions) {
        return new TransactionBatchingExecutor("refresh-family-snapshots", transactions, 10_000, 64,
                Duration.ofMillis(100));
    }

    @Bean
    public FamilyHistory refreshFamilyHistory(EventStore eventStore, EventStorageEngine storage) {
        return new FamilyHistory() {
            @Override
            public boolean movedPast(String familyId, long version) {
                return eventStore.lastSequenceNumberFor(familyId).map(last -> last > version).orElse(false);
            }

            @Override
            public OptionalInt generationOf(String familyId, String tokenHash) {
                // from the first event, past any snapshot: the snapshot holds only the current and previous tokens
                DomainEventStream events = storage.readEvents(familyId, 0);
                while (events.hasNext()) {
                    DomainEventMessage<?> event = events.next();
                    if (event.getPayload() instanceof RefreshTokenFamilyStarted e && tokenHash.equals(e.tokenHash())) {
                        return OptionalInt.of(1);
                    }
                    if (event.getPayload() instanceof TokenRotated e && tokenHash.equals(e.newTokenHash())) {
                        return OptionalInt.of(e.generation());
                    }
                }
                return OptionalInt.empty();
            }
        };
    }
}
