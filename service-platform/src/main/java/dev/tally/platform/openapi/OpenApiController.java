package dev.tally.platform.openapi;

import dev.tally.platform.problem.ManagementApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.WebRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /admin/openapi.json}: the OpenAPI 3.1 description of the management API, written by hand beside the code
 * ({@code openapi.json} in this package) and checked against the running application's routes and answers by the
 * standalone module's {@code OpenApiDescriptionTest}. Public, as it holds no data ({@code ManagementAuthenticationFilter}
 * lets exactly this path through), and cacheable: it changes only with a deployment, so an ETag revalidates it.
 * Every service that serves part of {@code /admin} serves the whole description.
 */
@RestController
@ManagementApi
public class OpenApiController {
    public static final String PATH = "/admin/openapi.json";
    static final String RESOURCE = "openapi.json";

    private final byte[] description;
    private final String etag;

    public OpenApiController() {
        this.description = read();
        this.etag = "\"" + HexFormat.of().formatHex(sha256(description), 0, 16) + "\"";
    }

    @GetMapping(value = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> description(WebRequest request) {
        if (request.checkNotModified(etag)) {
            return null;
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).eTag(etag)
                .cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePublic()).body(description);
    }

    /** The packaged description; a broken one fails start-up rather than the first client that asks for it. */
    private static byte[] read() {
        try (InputStream in = OpenApiController.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI description " + RESOURCE + " is missing from the build");
            }
            byte[] bytes = in.readAllBytes();
            JsonMapper.builder().build().readTree(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
