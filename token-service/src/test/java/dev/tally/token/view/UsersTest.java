package dev.tally.token.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.kernel.user.UserEvents.UserDeleted;
import dev.tally.kernel.user.UserEvents.UserPasswordChanged;
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.kernel.user.UserEvents.UserUpdated;
import dev.tally.kernel.user.UserIds;
import dev.tally.token.view.TokenConfigState.UserView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Users}: read from a store on demand, bounded, evicted by the user's events, and never left holding what a
 * read saw before a change that reached the node while it read. The store here is a map of event lists standing for
 * the event store and the command side's username index (the real ones are exercised over HTTP by the standalone
 * server's {@code UsersAndSessionsOnDemandTest}).
 */
class UsersTest {
    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    /** The "store": each user's events, and a gate a test may close to hold a read in the middle. */
    static final class Store implements Users.Source {
        final Map<String, List<Object>> streams = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();
        volatile CountDownLatch readStarted;
        volatile CountDownLatch releaseRead;
        volatile RuntimeException failure;

        void append(Object event, String userId) {
            streams.computeIfAbsent(userId, id -> new CopyOnWriteArrayList<>()).add(event);
        }

        @Override
        public Optional<String> idByUsername(String tenantId, String canonicalUsername) {
            if (failure != null) {
                throw failure;
            }
            return streams.values().stream().map(Users::fold).filter(u -> u != null && u.tenantId().equals(tenantId)
                    && UserIds.canonical(u.username()).equals(canonicalUsername)).map(UserView::userId).findFirst();
        }

        @Override
        public List<?> events(String userId) {
            if (failure != null) {
                throw failure;
            }
            reads.incrementAndGet();
            List<Object> snapshot = List.copyOf(streams.getOrDefault(userId, List.of()));
            CountDownLatch started = readStarted;
            CountDownLatch release = releaseRead;
            if (started != null) {
                started.countDown();
                await(release);
            }
            return snapshot;
        }
    }

    private final Store store = new Store();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Appends a user event to the store, then tells the view, as the after-commit applier does. */
    private void commit(Users users, String userId, long sequence, Object event) {
        store.append(event, userId);
        users.apply(new GenericDomainEventMessage<>("User", userId, sequence, event));
    }

    private static UserRegistered registered(String tenant, String userId, String username, String hash) {
        return new UserRegistered(userId, tenant, username, hash, Map.of(), List.of("member"), List.of(), T0);
    }

    @Test
    void holdsAtMostTheCacheSizeAndReadsTheRestAgain() {
        Users users = new Users(store, 10, Duration.ZERO);
        for (int i = 0; i < 200; i++) {
            store.append(registered("acme", "usr_" + i, "user" + i, "hash" + i), "usr_" + i);
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 200; i++) {
                assertThat(users.user("acme", "usr_" + i)).hasValueSatisfying(u -> assertThat(u.username())
                        .startsWith("user"));
            }
        }
        assertThat(users.cached()).isLessThanOrEqualTo(10);
        assertThat(store.reads.get()).as("each user read from the store in each round, but for the few held")
                .isGreaterThanOrEqualTo(400 - 10);
        // a user held is not read again
        int before = store.reads.get();
        users.user("acme", "usr_199");
        users.user("acme", "usr_199");
        assertThat(store.reads.get() - before).isLessThanOrEqualTo(1);
    }

    @Test
    void anEventEvictsSoTheNextReadSeesTheChange() {
        Users users = new Users(store, 100, Duration.ZERO);
        commit(users, "usr_a", 0, registered("acme", "usr_a", "Alice", "hash-1"));
        assertThat(users.byUsername("acme", "ALICE")).hasValueSatisfying(u -> assertThat(u.passwordHash()).isEqualTo("hash-1"));

        commit(users, "usr_a", 1, new UserPasswordChanged("usr_a", "acme", "hash-2", T0));
        assertThat(users.user("acme", "usr_a")).hasValueSatisfying(u -> assertThat(u.passwordHash()).isEqualTo("hash-2"));

        commit(users, "usr_a", 2, new UserUpdated("usr_a", "acme", "alicia", Map.of("plan", "pro")));
        assertThat(users.byUsername("acme", "alice")).isEmpty();
        assertThat(users.byUsername("acme", "Alicia")).hasValueSatisfying(u -> assertThat(u.userMetadata())
                .containsEntry("plan", "pro"));

        commit(users, "usr_a", 3, new UserDeleted("usr_a", "acme", "alicia"));
        assertThat(users.user("acme", "usr_a")).isEmpty();
        assertThat(users.byUsername("acme", "alicia")).isEmpty();
    }

    @Test
    void aRenameNotYetDeliveredIsReadFromTheStore() {
        // distributed mode: the command side's index already names the new username, the eviction is still on its way
        Users users = new Users(store, 100, Duration.ZERO);
        commit(users, "usr_b", 0, registered("acme", "usr_b", "bob", "hash"));
        assertThat(users.byUsername("acme", "bob")).isPresent();
        store.append(new UserUpdated("usr_b", "acme", "robert", Map.of()), "usr_b");

        assertThat(users.byUsername("acme", "robert")).hasValueSatisfying(u -> assertThat(u.username()).isEqualTo("robert"));
    }

    @Test
    void aUserIsOnlyEverFoundInTheirOwnTenant() {
        Users users = new Users(store, 100, Duration.ZERO);
        commit(users, "usr_c", 0, registered("acme", "usr_c", "carol", "hash"));
        assertThat(users.user("acme", "usr_c")).isPresent();
        assertThat(users.user("globex", "usr_c")).isEmpty();
        assertThat(users.byUsername("globex", "carol")).isEmpty();
        assertThat(users.user("acme", "usr_nobody")).isEmpty();
        assertThat(users.user("acme", null)).isEmpty();
        assertThat(users.byUsername(null, "carol")).isEmpty();
    }

    @Test
    void aStoreThatCannotBeReadIsReportedNotTakenForNoUser() {
        Users users = new Users(store, 100, Duration.ZERO);
        store.append(registered("acme", "usr_d", "dave", "hash"), "usr_d");
        store.failure = new StoreUnavailable("the store is down", null);
        assertThatThrownBy(() -> users.user("acme", "usr_d")).isInstanceOf(StoreUnavailable.class);
        assertThatThrownBy(() -> users.byUsername("acme", "dave")).isInstanceOf(StoreUnavailable.class);
        store.failure = null;
        assertThat(users.user("acme", "usr_d")).isPresent();
    }

    /**
     * The race the generations exist for: a read has the user's old events in hand when the change commits and evicts.
     * What that read saw may be answered to its own request, but must not stay in the cache.
     */
    @Test
    void aReadThatRacedWithAChangeDoesNotKeepWhatItSaw() throws Exception {
        Users users = new Users(store, 100, Duration.ZERO);
        commit(users, "usr_e", 0, registered("acme", "usr_e", "erin", "old-hash"));
        store.readStarted = new CountDownLatch(1);
        store.releaseRead = new CountDownLatch(1);
        Future<Optional<UserView>> racing = pool.submit(() -> users.user("acme", "usr_e"));
        assertThat(store.readStarted.await(10, TimeUnit.SECONDS)).isTrue();
        store.readStarted = null;
        commit(users, "usr_e", 1, new UserPasswordChanged("usr_e", "acme", "new-hash", T0));
        store.releaseRead.countDown();
        assertThat(racing.get(10, TimeUnit.SECONDS)).hasValueSatisfying(u -> assertThat(u.passwordHash())
                .as("the racing request's own answer").isEqualTo("old-hash"));

        assertThat(users.user("acme", "usr_e")).hasValueSatisfying(u -> assertThat(u.passwordHash()).isEqualTo("new-hash"));
    }

    /**
     * Many readers and one writer: after every change has been applied, every read sees the last one. 1,000 rounds of
     * a password change racing four readers of the same user; a stale user kept after the change is counted.
     */
    @Test
    void underConcurrentReadsNoChangeIsLost() throws Exception {
        Users users = new Users(store, 100, Duration.ZERO);
        commit(users, "usr_f", 0, registered("acme", "usr_f", "frank", "hash-0"));
        int stale = 0;
        int rounds = 1_000;
        for (int round = 1; round <= rounds; round++) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> readers = new java.util.ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> {
                    await(go);
                    for (int k = 0; k < 5; k++) {
                        users.user("acme", "usr_f");
                    }
                    return null;
                }));
            }
            String hash = "hash-" + round;
            go.countDown();
            commit(users, "usr_f", round, new UserPasswordChanged("usr_f", "acme", hash, T0));
            for (Future<?> reader : readers) {
                reader.get(10, TimeUnit.SECONDS);
            }
            if (!users.user("acme", "usr_f").orElseThrow().passwordHash().equals(hash)) {
                stale++;
            }
        }
        assertThat(stale).as("rounds whose change was lost behind a racing read, of %d", rounds).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (latch != null && !latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
