package dev.tally.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.junit.jupiter.api.Test;

class LeastRecentlyUsedCacheTest {

    @Test
    void entriesOutliveGarbageCollectionsWhereAWeakReferenceCacheLosesThem() {
        LeastRecentlyUsedCache bounded = new LeastRecentlyUsedCache(100);
        WeakReferenceCache weak = new WeakReferenceCache();
        for (int i = 0; i < 16; i++) {
            bounded.put("family-" + i, new Object());
            weak.put("family-" + i, new Object());
        }
        collectUntilCleared(weak, "family-0");

        assertThat(weak.containsKey("family-0")).as("the weak cache, after collections (the test's own control)")
                .isFalse();
        for (int i = 0; i < 16; i++) {
            assertThat((Object) bounded.get("family-" + i)).as("family-" + i).isNotNull();
        }
    }

    @Test
    void dropsTheLeastRecentlyUsedEntryBeyondItsCapacity() {
        LeastRecentlyUsedCache cache = new LeastRecentlyUsedCache(3);
        cache.put("a", 1);
        cache.put("b", 2);
        cache.put("c", 3);
        cache.get("a"); // now b is the least recently used

        cache.put("d", 4);

        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.containsKey("b")).isFalse();
        assertThat(cache.containsKey("a")).isTrue();
        assertThat(cache.containsKey("c")).isTrue();
        assertThat(cache.containsKey("d")).isTrue();
    }

    @Test
    void replacingAnEntryDropsNothing() {
        LeastRecentlyUsedCache cache = new LeastRecentlyUsedCache(2);
        cache.put("a", 1);
        cache.put("b", 2);

        cache.put("a", 10);

        assertThat(cache.size()).isEqualTo(2);
        assertThat((Integer) cache.get("a")).isEqualTo(10);
        assertThat((Integer) cache.get("b")).isEqualTo(2);
    }

    @Test
    void answersAxonsCacheOperationsAsTheInterfaceDescribesThem() {
        LeastRecentlyUsedCache cache = new LeastRecentlyUsedCache(10);

        assertThat(cache.putIfAbsent("a", 1)).isTrue();
        assertThat(cache.putIfAbsent("a", 2)).isFalse();
        assertThat((Integer) cache.get("a")).isEqualTo(1);
        assertThat((Integer) cache.computeIfAbsent("a", () -> 3)).isEqualTo(1);
        assertThat((Integer) cache.computeIfAbsent("b", () -> 4)).isEqualTo(4);
        cache.<Integer>computeIfPresent("b", value -> value + 1);
        assertThat((Integer) cache.get("b")).isEqualTo(5);
        cache.<Integer>computeIfPresent("b", value -> null);
        assertThat(cache.containsKey("b")).isFalse();
        cache.<Integer>computeIfPresent("missing", value -> 7);
        assertThat(cache.containsKey("missing")).isFalse();
        assertThat(cache.remove("a")).isTrue();
        assertThat(cache.remove("a")).isFalse();
        assertThat((Object) cache.get("a")).isNull();
        cache.put("c", 1);
        cache.put("d", 1);
        cache.removeAll();
        assertThat(cache.size()).isZero();
        assertThatThrownBy(() -> cache.put("e", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LeastRecentlyUsedCache(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tellsItsListenersWhatHappened() {
        LeastRecentlyUsedCache cache = new LeastRecentlyUsedCache(1);
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        Registration registration = cache.registerCacheEntryListener(new Cache.EntryListenerAdapter() {
            @Override
            public void onEntryCreated(Object key, Object value) {
                heard.add("created " + key);
            }

            @Override
            public void onEntryUpdated(Object key, Object value) {
                heard.add("updated " + key);
            }

            @Override
            public void onEntryRemoved(Object key) {
                heard.add("removed " + key);
            }

            @Override
            public void onEntryExpired(Object key) {
                heard.add("expired " + key);
            }

            @Override
            public void onEntryRead(Object key, Object value) {
                heard.add("read " + key);
            }
        });

        cache.put("a", 1);
        cache.put("a", 2);
        cache.get("a");
        cache.put("b", 3);
        cache.remove("b");
        registration.cancel();
        cache.put("c", 4);

        assertThat(heard).containsExactly("created a", "updated a", "read a", "created b", "expired a", "removed b");
    }

    @Test
    void manyThreadsNeverPushItPastItsCapacityNorMixUpItsEntries() throws Exception {
        int capacity = 64;
        LeastRecentlyUsedCache cache = new LeastRecentlyUsedCache(capacity);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> work = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            work.add(threads.submit(() -> {
                start.await();
                int wrong = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 20_000; i++) {
                    String key = "k" + random.nextInt(200);
                    switch (random.nextInt(4)) {
                        case 0 -> cache.put(key, key);
                        case 1 -> cache.putIfAbsent(key, key);
                        case 2 -> cache.remove(key);
                        default -> {
                            Object value = cache.get(key);
                            if (value != null && !value.equals(key)) {
                                wrong++;
                            }
                        }
                    }
                    if (cache.size() > capacity) {
                        wrong++;
                    }
                }
                return wrong;
            }));
        }
        start.countDown();
        int wrong = 0;
        for (Future<Integer> result : work) {
            wrong += result.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(wrong).as("values under another key, sizes past the capacity").isZero();
        assertThat(cache.size()).isLessThanOrEqualTo(capacity);
    }

    /** Collections until the weak cache lost the key; a bounded number of tries, since the collector decides. */
    private static void collectUntilCleared(WeakReferenceCache weak, String key) {
        for (int i = 0; i < 50 && weak.containsKey(key); i++) {
            System.gc();
            byte[][] pressure = new byte[64][];
            for (int j = 0; j < pressure.length; j++) {
                pressure[j] = new byte[64 * 1024];
            }
        }
    }
}
