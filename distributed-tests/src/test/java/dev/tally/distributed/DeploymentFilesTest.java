package dev.tally.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and the Dockerfiles agree with the services as built: each service image is built from its module
 * and copies the jar the build makes, listens on the port its configuration says, is checked on /actuator/health and
 * runs as a user of its own; the environment gives each service the variables it reads (the command service's address
 * to the token service, the secrets to those that need them), and start-up waits for what a service needs.
 * (Docker is not available where the tests run: this checks the files, not running containers.)
 */
class DeploymentFilesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> SERVICES = List.of("command-service", "query-service", "token-service");

    @SuppressWarnings("unchecked")
    static Map<String, Object> compose() throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** The port a service listens on by default, from the configuration file in its jar. */
    static String configuredPort(String service) throws IOException {
        Properties p = new Properties();
        try (InputStream in = DeploymentFilesTest.class.getResourceAsStream("/tally-" + service + "-distributed.properties")) {
            assertThat(in).as("the distributed configuration of " + service).isNotNull();
            p.load(in);
        }
        return p.getProperty("server.port");
    }

    @Test
    void eachServiceIsBuiltFromItsModuleAndListensWhereItsConfigurationSays() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        assertThat(services).containsKeys("postgres", "kafka", "command-service", "query-service", "token-service");
        for (String name : SERVICES) {
            Map<String, Object> service = map(services.get(name));
            Map<String, Object> build = map(service.get("build"));
            assertThat(build.get("context")).isEqualTo("./" + name);
            assertThat(ROOT.resolve(name).resolve((String) build.get("dockerfile"))).exists();
            String port = configuredPort(name);
            assertThat(port).isIn("8081", "8082", "8083");
            assertThat((List<String>) service.get("ports")).containsExactly(port + ":" + port);
            Map<String, Object> env = map(service.get("environment"));
            assertThat(env.get("SERVER_PORT")).isEqualTo(port);
            assertThat(map(service.get("healthcheck")).get("test").toString())
                    .contains("http://127.0.0.1:" + port + "/actuator/health");

            String dockerfile = Files.readString(ROOT.resolve(name).resolve("Dockerfile"));
            assertThat(dockerfile).contains("FROM eclipse-temurin:25-jre", "COPY target/tally-" + name + ".jar",
                    "EXPOSE " + port, "ENV SERVER_PORT=" + port, "/actuator/health", "ENTRYPOINT [\"java\", \"-jar\"");
            assertThat(dockerfile.lines().filter(l -> l.startsWith("USER "))).singleElement()
                    .satisfies(user -> assertThat(user).doesNotContain("root").isNotEqualTo("USER 0"));
            assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK ");
            assertThat(dockerfile).as("the JVM settings bin/tally-standalone ships").contains(standaloneJvmSettings());
            assertThat(dockerfile).as("glibc's settings bin/tally-standalone ships").contains("MALLOC_ARENA_MAX=2",
                    "MALLOC_TRIM_THRESHOLD_=131072", "MALLOC_MMAP_THRESHOLD_=131072");
            assertThat(Files.readString(ROOT.resolve("bin/tally-standalone"))).contains(
                    "MALLOC_ARENA_MAX:-2", "MALLOC_TRIM_THRESHOLD_:-131072", "MALLOC_MMAP_THRESHOLD_:-131072");
            // the repackaged jar the image copies is the module's build output of that name
            assertThat(Files.readString(ROOT.resolve(name).resolve("pom.xml"))).contains("<finalName>tally-" + name + "</finalName>");
        }
    }

    /** The default JVM settings of {@code bin/tally-standalone}, the ones measured in BENCHMARKS.md. */
    static String standaloneJvmSettings() throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("TALLY_JAVA_OPTS:-\"([^\"]+)\"")
                .matcher(Files.readString(ROOT.resolve("bin/tally-standalone")));
        assertThat(m.find()).as("bin/tally-standalone sets default JVM settings").isTrue();
        return m.group(1);
    }

    /**
     * A service's jar carries the migrations under its module's {@code db/migration/tally/<folder>}, and the deployed
     * service migrates them through the default location ({@code classpath:db/migration/tally}, scanned recursively):
     * nothing in its configuration narrows it. The tests start each service with exactly its jar's folders.
     */
    @Test
    void eachServiceMigratesTheFoldersItsJarCarries() throws IOException {
        Map<String, String> testLocations = Map.of("command-service", Services.COMMAND_MIGRATIONS,
                "query-service", Services.QUERY_MIGRATIONS, "token-service", Services.TOKEN_MIGRATIONS);
        Map<String, String> folders = Map.of("command-service", "command", "query-service", "query", "token-service", "token");
        for (String name : SERVICES) {
            Path migrations = ROOT.resolve(name).resolve("src/main/resources/db/migration/tally");
            try (var listed = Files.list(migrations)) {
                assertThat(listed.map(p -> p.getFileName().toString())).as(name).containsExactly(folders.get(name));
            }
            try (var scripts = Files.list(migrations.resolve(folders.get(name)))) {
                assertThat(scripts.map(p -> p.getFileName().toString())).as(name).isNotEmpty().allMatch(f -> f.endsWith(".sql"));
            }
            assertThat(List.of(testLocations.get(name).split(","))).as(name).containsExactlyInAnyOrder(
                    "classpath:db/migration/tally/eventstore", "classpath:db/migration/tally/" + folders.get(name));
            for (String file : List.of("/tally-" + name + "-distributed.properties", "/tally-distributed.properties")) {
                Properties p = new Properties();
                try (InputStream in = DeploymentFilesTest.class.getResourceAsStream(file)) {
                    p.load(in);
                }
                assertThat(p.getProperty("spring.flyway.locations")).as(file + " leaves the default location").isNull();
            }
            String dockerfile = Files.readString(ROOT.resolve(name).resolve("Dockerfile"));
            assertThat(dockerfile).as(name).doesNotContain("FLYWAY");
        }
    }

    @Test
    void theEnvironmentGivesEachServiceWhatItReads() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        for (String name : SERVICES) {
            Map<String, Object> env = map(map(services.get(name)).get("environment"));
            assertThat(env.get("TALLY_DB_URL")).as(name).isEqualTo("jdbc:postgresql://postgres:5432/tally");
            assertThat(env).as(name).containsKeys("TALLY_DB_USER", "TALLY_DB_PASSWORD", "TALLY_ADMIN_TOKEN");
            assertThat(env.get("TALLY_STREAM_BOOTSTRAP_SERVERS")).as(name).isEqualTo("kafka:9092");
            // secrets come from the operator's environment, never from the file
            assertThat(env.get("TALLY_ADMIN_TOKEN").toString()).startsWith("${TALLY_ADMIN_TOKEN:?");
        }
        for (String needsSecrets : List.of("command-service", "token-service")) {
            Map<String, Object> env = map(map(services.get(needsSecrets)).get("environment"));
            assertThat(env.get("TALLY_MASTER_KEY").toString()).startsWith("${TALLY_MASTER_KEY:?");
            assertThat(env.get("TALLY_SERVICE_TOKEN").toString()).startsWith("${TALLY_SERVICE_TOKEN:?");
            assertThat(env.get("TALLY_STREAM_ENABLED")).as(needsSecrets + " relays or consumes the stream").isEqualTo("true");
        }
        Map<String, Object> query = map(map(services.get("query-service")).get("environment"));
        assertThat(query).as("the query service needs neither").doesNotContainKeys("TALLY_MASTER_KEY", "TALLY_SERVICE_TOKEN");
        Map<String, Object> token = map(map(services.get("token-service")).get("environment"));
        assertThat(token.get("TALLY_COMMAND_SERVICE_URL")).isEqualTo("http://command-service:" + configuredPort("command-service"));
        assertThat(token).containsKey("TALLY_BASE_URL");
    }

    @Test
    void startUpWaitsForHealthyDependenciesAndKafkaIsOneCombinedKraftNode() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        for (String name : SERVICES) {
            Map<String, Object> dependsOn = map(map(services.get(name)).get("depends_on"));
            assertThat(dependsOn).as(name).containsKeys("postgres", "kafka");
            dependsOn.forEach((dependency, how) -> {
                assertThat(map(how).get("condition")).as(name + " on " + dependency).isEqualTo("service_healthy");
                assertThat(map(services.get(dependency))).as(dependency + " has a health check").containsKey("healthcheck");
            });
        }
        assertThat(map(map(services.get("token-service")).get("depends_on"))).containsKey("command-service");

        Map<String, Object> postgres = map(services.get("postgres"));
        assertThat(postgres.get("image")).isEqualTo("postgres:16");
        assertThat(map(postgres.get("environment")).get("POSTGRES_DB")).isEqualTo("tally");

        Map<String, Object> kafka = map(services.get("kafka"));
        assertThat(kafka.get("image").toString()).startsWith("apache/kafka:");
        Map<String, Object> env = map(kafka.get("environment"));
        assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        assertThat(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo(env.get("KAFKA_NODE_ID") + "@kafka:9093");
        assertThat(env.get("KAFKA_LISTENERS").toString()).contains("PLAINTEXT://:9092", "CONTROLLER://:9093");
        assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://kafka:9092");
        assertThat(env.get("KAFKA_CONTROLLER_LISTENER_NAMES")).isEqualTo("CONTROLLER");
        assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).isEqualTo(1);
    }
}
