// Heap held by the token service's users (docs/architecture.md, "What a token node still holds in memory"): n users
// are each read once through Users, whose cache keeps at most CACHE of them. A single-file program, not part of the
// build; after `mvn -o -q -pl token-service -am compile`:
//
//   M=~/.m2/repository; "$(bin/tally-jdk)/bin/java" -Xmx1g -cp "token-service/target/classes:shared-kernel/target/classes:\
//   $M/org/axonframework/axon-messaging/4.13.0/axon-messaging-4.13.0.jar:$(find $M/org/slf4j/slf4j-api -name '*.jar' | tail -1):\
//   $M/com/github/ben-manes/caffeine/caffeine/3.2.4/caffeine-3.2.4.jar" \
//   benchmarks/users-footprint/UsersFootprint.java 100000 10000
//
// Each user: a 26-character id, a username of about 20 characters, a 97-character Argon2id hash, no metadata, roles
// or permissions. The users' events are made first (they stand for the event store, outside the node's heap); heap in
// use after three System.gc() calls, before and after the reads, divided by the users held. Each read makes fresh
// strings, as deserializing a stored event does.
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.token.view.Users;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public class UsersFootprint {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        long cache = Long.parseLong(args[1]);
        // an Argon2id hash as the command side encodes it (m=19456,t=2,p=1): 97 characters
        String hashBase = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$";
        Map<String, List<?>> store = new HashMap<>();
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            String id = "usr_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 22);
            String hash = hashBase + String.format("%043d", i);
            ids[i] = id;
            store.put(id, List.of(new UserRegistered(id, new String("acme"), "user" + i + "@example.com", hash,
                    Map.of(), List.of(), List.of(), Instant.now())));
        }
        Users users = new Users(new Users.Source() {
            public Optional<String> idByUsername(String tenantId, String canonicalUsername) {
                return Optional.empty();
            }

            public List<?> events(String userId) {
                // fresh strings, as deserializing the stored event makes them
                return store.getOrDefault(userId, List.of()).stream().map(e -> (UserRegistered) e)
                        .map(e -> new UserRegistered(new String(e.userId()), new String(e.tenantId()),
                                new String(e.username()), new String(e.passwordHash()), Map.of(), List.of(), List.of(),
                                e.createdAt())).toList();
            }
        }, cache, Duration.ZERO);
        long before = used();
        for (String id : ids) {
            users.user("acme", id).orElseThrow();
        }
        long after = used();
        long held = users.cached();
        System.out.printf("%d users read, %d held: %d bytes retained, %d bytes per user held%n", n, held,
                after - before, held == 0 ? 0 : (after - before) / held);
    }

    static long used() throws Exception {
        for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(200); }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
