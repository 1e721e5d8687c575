package dev.tally.bench.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The process listening on a TCP port of this machine, from Linux's {@code /proc}: the listening socket's inode in
 * {@code /proc/net/tcp} or {@code tcp6}, then the process holding a descriptor of that socket. Only processes whose
 * {@code /proc/<pid>/fd} this user may read are found (its own; any, as root).
 */
public final class ListeningProcess {
    /** {@code st} of a socket in state LISTEN. */
    private static final String LISTEN = "0A";
    private static final List<String> TABLES = List.of("/proc/net/tcp", "/proc/net/tcp6");

    private ListeningProcess() {
    }

    /** Empty when nothing listens there, /proc is missing (not Linux) or the owner may not be seen. */
    public static Optional<Long> of(int port) {
        Set<Long> inodes = new HashSet<>();
        for (String table : TABLES) {
            try {
                inodes.addAll(listeningInodes(Files.readString(Path.of(table), StandardCharsets.ISO_8859_1), port));
            } catch (IOException e) {
                // no such table (no IPv6, not Linux): the other may still have it
            }
        }
        if (inodes.isEmpty()) {
            return Optional.empty();
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> holdsOneOf(p, inodes))
                    .map(p -> Long.parseLong(p.getFileName().toString()))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Inodes of the sockets listening on {@code port} in one table's text, any local address. */
    static Set<Long> listeningInodes(String table, int port) {
        Set<Long> inodes = new HashSet<>();
        for (String line : table.split("\n")) {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":") || !f[3].equals(LISTEN)) {
                continue; // the header, or not listening
            }
            String local = f[1];
            int localPort = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
            long inode = Long.parseLong(f[9]);
            if (localPort == port && inode != 0) {
                inodes.add(inode);
            }
        }
        return inodes;
    }

    private static boolean holdsOneOf(Path proc, Set<Long> inodes) {
        try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    return link.startsWith("socket:[")
                            && inodes.contains(Long.parseLong(link.substring(8, link.length() - 1)));
                } catch (IOException | RuntimeException e) {
                    return false; // closed meanwhile
                }
            });
        } catch (IOException | RuntimeException e) {
            return false; // gone, or not ours to read
        }
    }
}
