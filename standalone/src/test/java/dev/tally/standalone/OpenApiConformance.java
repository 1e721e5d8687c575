package dev.tally.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tally.testsupport.TestHttp;
import dev.tally.testsupport.TestHttp.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The management API's OpenAPI description held against real answers: every answer checked here must have its status
 * documented for its operation, its content type among the documented ones, and its body valid against the schema the
 * description gives (JSON Schema 2020-12, as OpenAPI 3.1 defines its schemas); an answer documented without content must
 * have none. Request bodies the test sends on purpose as valid are checked against the documented request schema too.
 * Records which operations and statuses were exercised.
 */
final class OpenApiConformance {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Where the validator finds the description; any absolute IRI does, nothing is fetched. */
    private static final String BASE = "https://tally.test/openapi.json";

    private final JsonNode doc;
    private final SchemaRegistry schemas;
    /** "METHOD /path/{template}" → the statuses its real answers had. */
    private final Map<String, Set<Integer>> exercised = new TreeMap<>();
    private int validatedBodies;

    OpenApiConformance(String description) {
        this.doc = JSON.readTree(description);
        this.schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(Map.of(BASE, description)));
    }

    JsonNode doc() {
        return doc;
    }

    /** Every documented operation as "METHOD /path/{template}". */
    Set<String> documentedOperations() {
        Set<String> ops = new TreeSet<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (String method : List.of("get", "put", "post", "delete", "options", "head", "patch", "trace")) {
                if (path.getValue().has(method)) {
                    ops.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        return ops;
    }

    Map<String, Set<Integer>> exercised() {
        return exercised;
    }

    int validatedBodies() {
        return validatedBodies;
    }

    /**
     * Sends a request for the operation {@code method template}, with {@code args} filling the template's variables in
     * order, and checks the answer against the description. {@code body}: null for none, a String sent as is (for bad
     * input), anything else serialized to JSON and first checked against the documented request schema.
     */
    Response call(TestHttp as, String method, String template, String query, Object body, String... args) {
        return callAccepting(as, method, template, query, body, null, args);
    }

    /** As {@link #call}, asking for {@code accept} (a GET). */
    Response callAccepting(TestHttp as, String method, String template, String query, Object body, String accept,
                           String... args) {
        JsonNode operation = operation(method, template);
        if (body != null && !(body instanceof String)) {
            String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT)
                    + "/requestBody/content/application~1json/schema";
            assertThat(operation.at("/requestBody/content/application~1json/schema").isMissingNode())
                    .as("%s %s documents a JSON request body", method, template).isFalse();
            assertValid(pointer, JSON.valueToTree(body), "request body of " + method + " " + template);
        }
        String path = expand(template, args) + (query == null ? "" : "?" + query);
        Response response = accept == null ? as.admin(method, path, body) : as.adminGet(path, accept);
        check(method, template, operation, response);
        return response;
    }

    /** Checks an answer obtained otherwise (another client, other headers) against {@code method template}. */
    void check(String method, String template, Response response) {
        check(method, template, operation(method, template), response);
    }

    private void check(String method, String template, JsonNode operation, Response response) {
        String op = method + " " + template;
        String status = Integer.toString(response.status());
        JsonNode documented = operation.path("responses").get(status);
        if (documented == null) {
            fail("%s answered %s, which its description does not document (documented: %s): %s", op, status,
                    operation.path("responses").propertyNames(), response);
        }
        String pointer = "/paths/" + escape(template) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
        if (documented.has("$ref")) {
            pointer = documented.get("$ref").asString().substring(1);
            documented = doc.at(pointer);
        }
        exercised.computeIfAbsent(op, k -> new TreeSet<>()).add(response.status());
        if (response.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).as("%s 401 challenge", op).startsWith("Bearer");
        }
        if (response.header("Location") != null || documented.path("headers").has("Location")) {
            assertThat(response.header("Location")).as("%s %s Location", op, status).startsWith("/");
        }
        JsonNode content = documented.get("content");
        if (content == null) {
            assertThat(response.body()).as("%s %s has no documented content", op, status).isEmpty();
            return;
        }
        String contentType = response.header("Content-Type");
        assertThat(contentType).as("%s %s content type", op, status).isNotNull();
        String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        assertThat(content.has(mediaType)).as("%s %s answered %s; documented: %s", op, status, mediaType,
                content.propertyNames()).isTrue();
        String schemaPointer = pointer + "/content/" + escape(mediaType) + "/schema";
        if (mediaType.equals("application/x-ndjson")) {
            for (String line : response.body().split("\n")) {
                if (!line.isEmpty()) {
                    assertValid(schemaPointer, JSON.readTree(line), op + " " + status + " NDJSON line");
                }
            }
        } else {
            assertValid(schemaPointer, JSON.readTree(response.body()), op + " " + status);
        }
    }

    /** What the schema at {@code pointer} in the description finds wrong with {@code value}. */
    List<Error> errors(String pointer, JsonNode value) {
        Schema schema = schemas.getSchema(SchemaLocation.of(BASE + "#" + pointer));
        return schema.validate(value);
    }

    /** Validates {@code value} against the schema at {@code pointer} in the description. */
    void assertValid(String pointer, JsonNode value, String what) {
        List<Error> errors = errors(pointer, value);
        assertThat(errors).as("%s against %s: %s", what, pointer, value).isEmpty();
        validatedBodies++;
    }

    /** The names of the query parameters documented for an operation, its path's own and its own, references resolved. */
    Set<String> queryParameters(String method, String template) {
        Set<String> names = new TreeSet<>();
        List<JsonNode> parameters = new ArrayList<>();
        doc.path("paths").path(template).path("parameters").forEach(parameters::add);
        operation(method, template).path("parameters").forEach(parameters::add);
        for (JsonNode parameter : parameters) {
            if (parameter.has("$ref")) {
                parameter = doc.at(parameter.get("$ref").asString().substring(1));
            }
            if (parameter.path("in").asString().equals("query")) {
                names.add(parameter.get("name").asString());
            }
        }
        return names;
    }

    JsonNode operation(String method, String template) {
        JsonNode operation = doc.path("paths").path(template).get(method.toLowerCase(Locale.ROOT));
        if (operation == null) {
            fail("%s %s is not documented", method, template);
        }
        return operation;
    }

    static String expand(String template, String... args) {
        StringBuilder path = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                path.append(template, i, template.length());
                break;
            }
            path.append(template, i, open);
            path.append(args[arg++]);
            i = template.indexOf('}', open) + 1;
        }
        assertThat(arg).as("arguments for %s", template).isEqualTo(args.length);
        return path.toString();
    }

    /** A JSON Pointer token (RFC 6901). */
    static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** Every media type example of every operation, as pointers to (example, schema). */
    List<String[]> examples() {
        List<String[]> found = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (op.getKey().equals("parameters")) {
                    continue;
                }
                String opPointer = "/paths/" + escape(path.getKey()) + "/" + op.getKey();
                JsonNode body = op.getValue().path("requestBody").path("content");
                for (Map.Entry<String, JsonNode> media : body.properties()) {
                    found.add(new String[] {opPointer + "/requestBody/content/" + escape(media.getKey())});
                }
                for (Map.Entry<String, JsonNode> response : op.getValue().path("responses").properties()) {
                    for (Map.Entry<String, JsonNode> media : response.getValue().path("content").properties()) {
                        found.add(new String[] {opPointer + "/responses/" + response.getKey() + "/content/" + escape(media.getKey())});
                    }
                }
            }
        }
        for (Map.Entry<String, JsonNode> response : doc.path("components").path("responses").properties()) {
            for (Map.Entry<String, JsonNode> media : response.getValue().path("content").properties()) {
                found.add(new String[] {"/components/responses/" + response.getKey() + "/content/" + escape(media.getKey())});
            }
        }
        return found;
    }

    /** The example of a media type object, the named examples resolved. */
    List<JsonNode> examplesAt(String mediaPointer) {
        JsonNode media = doc.at(mediaPointer);
        List<JsonNode> values = new ArrayList<>();
        if (media.has("example")) {
            values.add(media.get("example"));
        }
        for (Map.Entry<String, JsonNode> named : media.path("examples").properties()) {
            JsonNode example = named.getValue();
            if (example.has("$ref")) {
                example = doc.at(example.get("$ref").asString().substring(1));
            }
            values.add(example.get("value"));
        }
        return values;
    }
}
