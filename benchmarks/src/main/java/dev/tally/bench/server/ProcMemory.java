package dev.tally.bench.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Resident memory of a process from Linux {@code /proc/<pid>/status} ({@code VmRSS}, {@code VmHWM}). */
public final class ProcMemory {
    private ProcMemory() {
    }

    /** Sizes in KiB, as the kernel reports them ("kB"). */
    public record Sample(long vmRssKb, long vmHwmKb) {
        public String describe() {
            return "VmRSS " + mib(vmRssKb) + " MiB, VmHWM " + mib(vmHwmKb) + " MiB";
        }

        public static String mib(long kb) {
            return String.format(java.util.Locale.ROOT, "%.1f", kb / 1024.0);
        }
    }

    /** Empty when the process is gone, /proc is missing (not Linux) or the fields are absent. */
    public static Optional<Sample> read(long pid) {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        try {
            // ISO-8859-1: the "Name:" line may hold bytes that are not valid UTF-8.
            return parse(Files.readString(status, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<Sample> parse(String statusText) {
        long rss = -1;
        long hwm = -1;
        for (String line : statusText.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = kb(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kb(line);
            }
        }
        return rss >= 0 && hwm >= 0 ? Optional.of(new Sample(rss, hwm)) : Optional.empty();
    }

    private static long kb(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]);
    }
}
