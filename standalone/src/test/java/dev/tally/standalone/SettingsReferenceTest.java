package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's list of settings is the configuration metadata of every module, rendered: each {@code tally.*}
 * property a {@code @ConfigurationProperties} record declares (or, for one without a record, a module's additional
 * metadata) appears there with its default and its description, and nothing else does. A setting added, renamed or
 * re-described without the README fails this test; {@code -Dtally.write-readme=true} rewrites the README's list.
 */
class SettingsReferenceTest {
    private static final Path README = Path.of("..", "README.md");
    static final String BEGIN = "<!-- settings: generated from the configuration metadata by SettingsReferenceTest -->";
    static final String END = "<!-- /settings -->";

    @Test
    void readmeListsEverySettingOfTheConfigurationMetadata() throws IOException {
        Map<String, Setting> settings = settings();
        assertThat(settings).as("settings found in the metadata on the classpath")
                .containsKeys("tally.base-url", "tally.login.failure-window", "tally.password.argon2.memory-kib",
                        "tally.query.batch-size", "tally.stream.enabled", "tally.data-dir");

        String readme = Files.readString(README);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("the README's settings markers").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String expected = BEGIN + "\n" + table(settings) + END;
        if (Boolean.getBoolean("tally.write-readme")) {
            Files.writeString(README, readme.substring(0, begin) + expected + readme.substring(end + END.length()));
            return;
        }
        assertThat(readme.substring(begin, end + END.length()))
                .as("README's settings; rewrite them with: mvn -pl standalone test -Dtest=SettingsReferenceTest -Dtally.write-readme=true")
                .isEqualTo(expected);
    }

    /** What the README says of environment variables holds: upper case, dots and dashes as underscores. */
    @Test
    void environmentVariablesNamedAsTheReadmeSaysBindToTheSettings() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource("env", Map.of(
                "TALLY_BASE_URL", "https://id.example.com",
                "TALLY_LOGIN_MAX_FAILURES_PER_ADDRESS", "7",
                "TALLY_TOKEN_CATCH_UP_MAX_PER_SECOND", "9")));
        Binder binder = new Binder(ConfigurationPropertySources.from(sources));

        assertThat(binder.bind("tally.base-url", String.class).get()).isEqualTo("https://id.example.com");
        assertThat(binder.bind("tally.login.max-failures-per-address", Integer.class).get()).isEqualTo(7);
        assertThat(binder.bind("tally.token.catch-up.max-per-second", Integer.class).get()).isEqualTo(9);
    }

    record Setting(String name, String defaultValue, String description) {
    }

    static Map<String, Setting> settings() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, Setting> settings = new TreeMap<>();
        ClassLoader loader = SettingsReferenceTest.class.getClassLoader();
        List<URL> files = new ArrayList<>(Collections.list(loader.getResources("META-INF/spring-configuration-metadata.json")));
        files.addAll(Collections.list(loader.getResources("META-INF/additional-spring-configuration-metadata.json")));
        for (URL file : files) {
            JsonNode metadata;
            try (InputStream in = file.openStream()) {
                metadata = json.readTree(in);
            }
            for (JsonNode p : metadata.path("properties")) {
                String name = p.path("name").asString();
                if (!name.startsWith("tally.") || p.has("deprecation")) {
                    continue;
                }
                JsonNode d = p.get("defaultValue");
                String defaultValue = d == null || d.isNull() ? null : d.isArray() ? d.toString() : d.asString();
                String description = p.path("description").asString("");
                Setting setting = new Setting(name, defaultValue, description);
                Setting previous = settings.put(name, setting);
                if (previous != null) {
                    assertThat(setting).as("%s, declared twice", name).isEqualTo(previous);
                }
            }
        }
        return settings;
    }

    static String table(Map<String, Setting> settings) {
        StringBuilder out = new StringBuilder("| Property | Default | Meaning |\n| --- | --- | --- |\n");
        for (Setting s : settings.values()) {
            assertThat(s.description()).as("the description of %s (the record's @param)", s.name()).isNotBlank();
            String meaning = markdown(s.description());
            assertThat(meaning).as("the description of %s, rendered", s.name()).doesNotContain("{@");
            out.append("| `").append(s.name()).append("` | ")
                    .append(s.defaultValue() == null ? "—" : "`" + s.defaultValue() + "`").append(" | ")
                    .append(meaning).append(" |\n");
        }
        return out.toString();
    }

    private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal) ([^}]*)}");
    private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)? (?:[\\w.]*#)?([^} ]*)[^}]*}");

    static String markdown(String javadoc) {
        String text = javadoc.replaceAll("\\s+", " ").strip();
        Matcher code = CODE.matcher(text);
        text = code.replaceAll(m -> Matcher.quoteReplacement("`" + m.group(1) + "`"));
        text = LINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement("`" + m.group(1) + "`"));
        return text.replace("|", "\\|");
    }
}
