package dev.tally.token.login;

import dev.tally.kernel.crypto.RandomTokens;
import dev.tally.token.settings.CookieProperties;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

/**
 * The cookies of the browser-facing endpoints, scoped to one tenant by their path ({@code /t/{tenant}/}),
 * {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} unless the request came over plain HTTP and
 * {@code tally.cookies.secure} is not set (the standalone server on localhost). They carry only unguessable
 * random values; the history holds only their hashes.
 */
@Component
public class SessionCookies {
    static final String SESSION = "tally_session";
    /** Binds a login form to the browser that asked for it (login CSRF). */
    static final String LOGIN_BINDING = "tally_login";

    private final Boolean forceSecure;

    public SessionCookies(CookieProperties properties) {
        this.forceSecure = properties.secure();
    }

    public static String newValue() {
        return RandomTokens.urlSafe(32);
    }

    public String read(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (c.getName().equals(name) && c.getValue() != null && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }

    /** A browser session cookie (no Max-Age): the login session's lifetime is the server's to decide. */
    public String set(HttpServletRequest request, String tenant, String name, String value) {
        return ResponseCookie.from(name, value).path("/t/" + tenant + "/").httpOnly(true).sameSite("Lax")
                .secure(secure(request)).build().toString();
    }

    public String clear(HttpServletRequest request, String tenant, String name) {
        return ResponseCookie.from(name, "").path("/t/" + tenant + "/").httpOnly(true).sameSite("Lax")
                .secure(secure(request)).maxAge(Duration.ZERO).build().toString();
    }

    private boolean secure(HttpServletRequest request) {
        return forceSecure != null ? forceSecure : request.isSecure();
    }
}
