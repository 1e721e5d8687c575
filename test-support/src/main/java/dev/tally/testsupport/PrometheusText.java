package dev.tally.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus' text exposition format (0.0.4), parsed strictly enough that a malformed line fails the test: comment
 * lines ({@code # HELP}, {@code # TYPE}) are checked for shape and skipped, every other line must be
 * {@code name{label="value",...} value [timestamp]} with the format's escapes ({@code \\}, {@code \"}, {@code \n}).
 */
public record PrometheusText(List<Sample> samples, Map<String, String> types) {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    types.put(parts[2], parts[3]);
                } else if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    throw new IllegalArgumentException("not a HELP or TYPE line: " + line);
                }
                continue;
            }
            samples.add(sample(line));
        }
        return new PrometheusText(List.copyOf(samples), Map.copyOf(types));
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("no metric name: " + line);
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int start = i;
                while (isNameChar(line.charAt(i), i == start)) {
                    i++;
                }
                String label = line.substring(start, i);
                if (label.isEmpty() || line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
                    throw new IllegalArgumentException("bad label at " + i + ": " + line);
                }
                i += 2;
                StringBuilder value = new StringBuilder();
                for (char c = line.charAt(i); c != '"'; c = line.charAt(i)) {
                    if (c == '\\') {
                        char escaped = line.charAt(++i);
                        value.append(switch (escaped) {
                            case 'n' -> '\n';
                            case '\\', '"' -> escaped;
                            default -> throw new IllegalArgumentException("bad escape \\" + escaped + ": " + line);
                        });
                    } else {
                        value.append(c);
                    }
                    i++;
                }
                i++;
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("label " + label + " twice: " + line);
                }
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" ");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("not value [timestamp]: " + line);
        }
        return new Sample(name, Map.copyOf(labels), value(rest[0]));
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static boolean isNameChar(char c, boolean first) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
    }

    /** The samples of one series name whose labels include all of {@code labels} (key, value, key, value...). */
    public List<Sample> find(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int k = 0; k < labels.length; k += 2) {
                if (!labels[k + 1].equals(s.labels().get(labels[k]))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    /** The value of the one series that matches, or 0 if none does (a counter not yet created counts nothing). */
    public double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() > 1) {
            throw new IllegalStateException(found.size() + " series match " + name + " " + List.of(labels) + ": " + found);
        }
        return found.isEmpty() ? 0 : found.get(0).value();
    }

    /** The sum over every series that matches. */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }
}
