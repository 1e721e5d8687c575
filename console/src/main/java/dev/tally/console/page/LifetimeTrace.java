package dev.tally.console.page;

import static dev.tally.console.page.Html.esc;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A lifetime decision's trace, step by step as the engine took them: the same shape in the audit and in explain. */
public final class LifetimeTrace {
    private LifetimeTrace() {
    }

    public static void render(Page page, JsonNode steps) {
        List<List<String>> rows = new ArrayList<>();
        int n = 1;
        for (JsonNode s : steps) {
            String outcome;
            if (s.path("error").isString()) {
                outcome = "condition failed: " + s.path("error").asString();
            } else if (s.path("clamped").isBoolean()) {
                outcome = s.path("clamped").asBoolean() ? "bound, lowered the value" : "bound, within it";
            } else {
                outcome = "set the value";
            }
            rows.add(List.of(esc(Integer.toString(n++)), Page.cell(s.path("step")), esc(Page.seconds(s.path("value"))),
                    esc(outcome)));
        }
        page.table("trace", List.of("#", "Setting or rule", "Seconds after it", "Outcome"), rows);
    }
}
