// Heap held by the token service's Users view per user (docs/architecture.md, "What a token node still holds in
// memory"). A single-file program, not part of the build; after `mvn -o -q -pl token-service -am compile`:
//
//   M=~/.m2/repository; "$(bin/tally-jdk)/bin/java" -Xmx1g -cp "token-service/target/classes:shared-kernel/target/classes:\
//   $M/org/axonframework/axon-messaging/4.13.0/axon-messaging-4.13.0.jar:$(find $M/org/slf4j/slf4j-api -name '*.jar' | tail -1)" \
//   benchmarks/users-footprint/UsersFootprint.java 100000
//
// Each user: a 26-character id, a username of about 20 characters, a 97-character Argon2id hash, no metadata, roles
// or permissions. Heap in use after three System.gc() calls, before and after, divided by the users.
import dev.tally.kernel.user.UserEvents.UserRegistered;
import dev.tally.token.view.Users;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.axonframework.eventhandling.GenericDomainEventMessage;

public class UsersFootprint {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        // an Argon2id hash as the command side encodes it (m=19456,t=2,p=1): 97 characters
        String hashBase = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$";
        Users users = new Users();
        long before = used();
        for (int i = 0; i < n; i++) {
            String id = "usr_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 22);
            String hash = hashBase + String.format("%043d", i);
            users.apply(new GenericDomainEventMessage<>("User", id, 0, new UserRegistered(id, new String("acme"),
                    "user" + i + "@example.com", hash, Map.of(), List.of(), List.of(), Instant.now())));
        }
        long after = used();
        System.out.printf("%d users: %d bytes retained, %d bytes per user%n", n, after - before, (after - before) / n);
        System.out.println(users.user("acme", "x").isPresent());
    }

    static long used() throws Exception {
        for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(200); }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
