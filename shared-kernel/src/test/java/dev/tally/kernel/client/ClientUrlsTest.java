package dev.tally.kernel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientUrlsTest {
    /** As a browser writes its Origin header: scheme and host in lower case, the port only when not the default. */
    @Test
    void theOriginsOfTheCallbacksAreWrittenAsABrowserWritesThem() {
        ClientUrls urls = new ClientUrls(List.of("https://App.Example/callback", "https://app.example/other?x=1",
                "https://app.example:443/cb", "https://app.example:8443/cb", "http://localhost:3000/cb",
                "http://127.0.0.1:80/cb", "http://[::1]:5173/cb", "com.example.app:/callback",
                "HTTPS://Shop.Example/cb"), List.of("https://elsewhere.example/"));

        assertThat(urls.origins()).containsExactly("https://app.example", "https://app.example:8443",
                "http://localhost:3000", "http://127.0.0.1", "http://[::1]:5173", "https://shop.example");
    }

    @Test
    void noCallbacksNoOrigins() {
        assertThat(ClientUrls.NONE.origins()).isEmpty();
        assertThat(new ClientUrls(List.of("myapp:/cb"), List.of()).origins()).isEmpty();
    }
}
