package dev.tally.console.page;

import java.nio.charset.StandardCharsets;
import org.springframework.web.util.UriUtils;

/** Escaping for everything a page shows: every value from the API is text, never markup. */
public final class Html {
    private Html() {
    }

    /** Text for an element's content or a quoted attribute. */
    public static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A value for a URL's query, to be escaped again where it is written into a page. */
    public static String query(String value) {
        // URLEncoder, not UriUtils: a '+' must reach the server as a plus, not as a space
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A value for one path segment of a console URL. */
    public static String segment(String value) {
        return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
    }
}
