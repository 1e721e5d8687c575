package dev.tally.testsupport.fuzz;

import java.util.Set;

/**
 * One endpoint as the generator knows it: method and path template, how a valid request to it looks ({@code shape}),
 * which of its parameters are space- or comma-separated lists, and which take numbers, booleans, instants or cursors.
 *
 * @param name     the method and template, and the variant where one template has several (the token endpoint's grants)
 * @param lists    parameters whose value is a list, for {@link Category#REPEATED_VALUE}
 * @param numbers  parameters or JSON members (dotted path) that take a number, boolean, instant or cursor
 */
record Endpoint(String name, String method, String template, Body body, Set<String> lists, Set<String> numbers,
                Shape shape) {

    enum Body { NONE, FORM, JSON }

    /** Fills in a valid request: parameters, body, credentials, cookies (the method, path and Host are set already). */
    interface Shape {
        void fill(Draft draft, Picks picks);
    }

    boolean writes() {
        return method.equals("POST") || method.equals("PATCH") || method.equals("PUT");
    }

    boolean safe() {
        return method.equals("GET") || method.equals("HEAD");
    }

    @Override
    public String toString() {
        return name;
    }
}
