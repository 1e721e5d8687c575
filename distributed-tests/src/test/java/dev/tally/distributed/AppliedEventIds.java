package dev.tally.distributed;

import dev.tally.stream.StreamedEvent;
import dev.tally.token.view.AppliedFromStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which events a token node applied from the stream, as an order-independent checksum of their ids: registered in
 * every token node the tests start ({@link Services#token}), compared with the ids the store holds.
 */
public class AppliedEventIds implements AppliedFromStream {
    private final AtomicLong checksum = new AtomicLong();
    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    @Override
    public void applied(StreamedEvent event) {
        checksum.addAndGet(hash(event.id()));
        ids.add(event.id());
    }

    /** The ids applied, for a failure to name what is missing or extra. */
    public Set<String> ids() {
        return Set.copyOf(ids);
    }

    /** The sum of {@link #hash} over the ids of the events applied. */
    public long checksum() {
        return checksum.get();
    }

    /** An order-independent checksum term of an event id (64-bit FNV-1a of its UTF-8 bytes); summed over events. */
    public static long hash(String eventId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
