package dev.tally.bench;

import dev.tally.testsupport.EmbeddedKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A one-node KRaft Kafka broker for the distributed benchmarks, on a machine without Docker or a Kafka
 * installation: the same broker the tests start ({@link EmbeddedKafka}, from Kafka's own jars), in a process of its
 * own, on free ports and a fresh log directory, removed when the process ends.
 *
 * <p>Usage: {@code java -cp <benchmarks runtime classpath> dev.tally.bench.KafkaBroker <file>}: when the broker
 * accepts clients it writes its bootstrap address to {@code file} (the scripts wait for that file) and runs until
 * it is terminated.
 */
public final class KafkaBroker {
    private KafkaBroker() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: KafkaBroker <file to write the bootstrap address to>");
            System.exit(2);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-broker-stop"));
        Path file = Path.of(args[0]);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, kafka.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.err.println("[kafka] broker ready at " + kafka.bootstrapServers() + ", log directory " + kafka.logDir());
        stopped.await();
    }
}
