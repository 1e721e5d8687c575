package dev.tally.kernel.lifetime.trace;

import dev.tally.kernel.json.JsonText;
import java.util.List;
import java.util.Objects;

/**
 * One step of a lifetime decision. Exactly one shape applies:
 * a setting or rule that set the value ({@code value}), a bound that was checked
 * ({@code value} after the bound, {@code clamped} true if it lowered the value), or a rule whose
 * condition failed ({@code error}; the rule counted as not matching).
 *
 * @param step    the setting or rule, e.g. {@code api.token_lifetime}, {@code rule:onboarding-m2m},
 *                {@code tenant.max_token_lifetime}
 * @param value   seconds after this step; null on error steps
 * @param clamped only on bound steps: whether the bound lowered the value
 * @param error   only on failed rule steps: why the condition could not be evaluated
 */
public record TraceStep(String step, Long value, Boolean clamped, String error) {

    public TraceStep {
        Objects.requireNonNull(step, "step");
        if ((value == null) == (error == null)) {
            throw new IllegalArgumentException("a trace step has either a value or an error");
        }
        if (clamped != null && value == null) {
            throw new IllegalArgumentException("a clamp step needs a value");
        }
    }

    public static TraceStep set(String step, long value) {
        return new TraceStep(step, value, null, null);
    }

    public static TraceStep clamp(String step, long value, boolean clamped) {
        return new TraceStep(step, value, clamped, null);
    }

    public static TraceStep error(String step, String error) {
        return new TraceStep(step, null, null, error);
    }

    public boolean failed() {
        return error != null;
    }

    /** Compact JSON with absent fields omitted, e.g. {@code {"step":"api.token_lifetime","value":3600}}. */
    public String toJson() {
        StringBuilder json = new StringBuilder(64);
        appendJson(json);
        return json.toString();
    }

    /** JSON array of the steps, in order. */
    public static String toJson(List<TraceStep> steps) {
        StringBuilder json = new StringBuilder(64 * steps.size() + 2).append('[');
        for (int i = 0; i < steps.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            steps.get(i).appendJson(json);
        }
        return json.append(']').toString();
    }

    private void appendJson(StringBuilder json) {
        json.append("{\"step\":");
        JsonText.appendString(json, step);
        if (value != null) {
            json.append(",\"value\":").append(value.longValue());
        }
        if (clamped != null) {
            json.append(",\"clamped\":").append(clamped.booleanValue());
        }
        if (error != null) {
            json.append(",\"error\":");
            JsonText.appendString(json, error);
        }
        json.append('}');
    }
}
