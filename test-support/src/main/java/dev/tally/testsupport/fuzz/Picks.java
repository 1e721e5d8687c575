package dev.tally.testsupport.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/** The random choices of one request, from a generator seeded by the run's seed and the request's index. */
final class Picks {
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    final SplittableRandom random;
    final Fixture fixture;

    Picks(SplittableRandom random, Fixture fixture) {
        this.random = random;
        this.fixture = fixture;
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    int between(int from, int toInclusive) {
        return random.nextInt(from, toInclusive + 1);
    }

    @SafeVarargs
    final <T> T oneOf(T... options) {
        return options[random.nextInt(options.length)];
    }

    <T> T oneOf(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    String alnum(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
        }
        return text.toString();
    }

    String lowerAlnum(int length) {
        return alnum(length).toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code length} characters of {@code unit} repeated (a multi-byte unit makes the bytes longer still). */
    static String repeat(String unit, int length) {
        StringBuilder text = new StringBuilder(length + unit.length());
        while (text.length() < length) {
            text.append(unit);
        }
        return text.substring(0, length);
    }
}
