package dev.tally.testsupport.fuzz;

import java.util.List;
import java.util.Map;

/**
 * What the server answered to one request: the status, the headers (names in lower case) and the body as text (at
 * most {@link RawConnection#KEPT_BODY} characters of it); or, with status 0, why there was no answer.
 */
public record Answer(int status, Map<String, List<String>> headerMap, String body, long bodyLength, String failure) {

    static Answer none(String why) {
        return new Answer(0, Map.of(), null, 0, why);
    }

    public boolean answered() {
        return status > 0;
    }

    public List<String> headers(String lowerCaseName) {
        return headerMap.getOrDefault(lowerCaseName, List.of());
    }

    public String header(String lowerCaseName) {
        List<String> values = headers(lowerCaseName);
        return values.isEmpty() ? null : values.get(0);
    }
}
