package dev.tally.console.gate;

import dev.tally.console.page.Page;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * The console's two cookies (the session id, the sign-in form's random value): HttpOnly, SameSite=Strict, only for
 * {@code /console}, gone when the browser closes, and Secure when the request came over https unless
 * {@code tally.console.secure-cookies} decides (behind a proxy that terminates TLS).
 */
public class ConsoleCookies {
    public static final String SESSION = "tally_console";
    public static final String SIGN_IN = "tally_console_sign_in";

    private final Boolean secure;

    /** @param secure true or false forces the Secure attribute; null: exactly when the request is https */
    public ConsoleCookies(Boolean secure) {
        this.secure = secure;
    }

    public static String read(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (c.getName().equals(name)) {
                return c.getValue();
            }
        }
        return null;
    }

    /** Sets the cookie, or with {@code value} null removes it. */
    public void set(HttpServletRequest request, HttpServletResponse response, String name, String value) {
        ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(name, value == null ? "" : value)
                .path(request.getContextPath() + Page.ROOT).httpOnly(true).sameSite("Strict")
                .secure(secure != null ? secure : request.isSecure());
        if (value == null) {
            cookie.maxAge(Duration.ZERO);
        }
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.build().toString());
    }
}
