package dev.tally.token.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * A scope (RFC 6749 §3.3): scope tokens in the order they were first named, each once. Parsed once from the request
 * (or from what a code or a family granted) and carried as this value to the claims, the record and the response, so
 * it is never split and joined again on the way.
 */
public record Scope(List<String> values) {
    public static final Scope NONE = new Scope(List.of());
    public static final String OPENID = "openid";
    public static final String OFFLINE_ACCESS = "offline_access";

    public Scope {
        values = List.copyOf(new LinkedHashSet<>(values));
    }

    /** The space-delimited form; empty when {@code text} is null or blank. */
    public static Scope parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        return new Scope(List.of(text.trim().split(" +")));
    }

    public static Scope of(Collection<String> values) {
        return new Scope(new ArrayList<>(values));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public boolean contains(String value) {
        return values.contains(value);
    }

    public boolean containsAll(Scope other) {
        return values.containsAll(other.values);
    }

    /** The same scope without {@code value}. */
    public Scope without(String value) {
        return new Scope(values.stream().filter(Predicate.not(value::equals)).toList());
    }

    /** The space-delimited form for a claim, a record or a response; {@code null} when empty (no scope at all). */
    public String text() {
        return values.isEmpty() ? null : String.join(" ", values);
    }

    @Override
    public String toString() {
        return String.join(" ", values);
    }
}
