package dev.tally.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A one-node KRaft Kafka broker for the distributed benchmarks, on a machine without Docker or a Kafka
 * installation: broker and controller in one process of its own, from Kafka's own jars, on free loopback ports and
 * a fresh log directory that is removed when the process ends.
 *
 * <p>Usage: {@code java -cp <benchmarks runtime classpath> dev.tally.bench.KafkaBroker <file>}: when the broker
 * accepts clients it writes its bootstrap address to {@code file} (the scripts wait for that file) and runs until
 * it is terminated.
 *
 * <p>The tests start their broker with test-support's {@code EmbeddedKafka}, which also stops and restarts one to
 * make an outage and keeps Kafka from ending the test JVM. This broker only runs until it is told to stop, in a
 * process where Kafka may exit if it must; it is written here so that the tool's main code needs nothing from a test
 * module. Its settings are those of the tests' broker (the services expect one node with
 * {@code TALLY_STREAM_REPLICATION_FACTOR=1}), so that figures stay comparable with those measured before.
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path logDir;
    private final int port;
    private final KafkaRaftServer server;

    private KafkaBroker(Path logDir, int port, KafkaRaftServer server) {
        this.logDir = logDir;
        this.port = port;
        this.server = server;
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: KafkaBroker <file to write the bootstrap address to>");
            System.exit(2);
        }
        KafkaBroker kafka = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "kafka-broker-stop"));
        Path file = Path.of(args[0]);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, kafka.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        System.err.println("[kafka] broker ready at " + kafka.bootstrapServers() + ", log directory " + kafka.logDir());
        stopped.await();
    }

    /** Formats a fresh log directory, starts the node and returns once it answers clients (at most 60 s). */
    static KafkaBroker start() throws IOException {
        Path logDir = Files.createTempDirectory("tally-kafka-");
        int port = freePort();
        int controllerPort = freePort();
        format(logDir, controllerPort);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config(logDir, port, controllerPort), false),
                Time.SYSTEM);
        server.startup();
        KafkaBroker broker = new KafkaBroker(logDir, port, server);
        broker.awaitReady(Duration.ofSeconds(60));
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    Path logDir() {
        return logDir;
    }

    private static Properties config(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false"); // the services create their topics
        // one node: every internal topic with one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // As the tests' broker has them, which the distributed figures in BENCHMARKS.md were measured with: a broker
        // fenced and re-registered within about a second, and a small dedupe buffer for the compacted topics' cleaner.
        p.put("broker.session.timeout.ms", "2000");
        p.put("broker.heartbeat.interval.ms", "200");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        return p;
    }

    private static void format(Path logDir, int controllerPort) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .addDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka log directory " + logDir, e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                } catch (Exception e) {
                    // not answering yet: ask again until the deadline
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("the Kafka broker did not become ready within " + timeout);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    /** Controlled shutdown, then the log directory is deleted. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        try (Stream<Path> files = Files.walk(logDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
