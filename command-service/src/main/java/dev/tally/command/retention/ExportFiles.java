package dev.tally.command.retention;

import dev.tally.kernel.tenant.TenantEvents.ExportedPart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;

/**
 * The export directory: {@code <dir>/<tenant>/<yyyy-mm-dd>.ndjson}, one record per line, appended to as the records
 * of that UTC day leave the store. A file is authoritative up to its committed length (the {@code toByte} of the
 * last {@code IssuanceRecordsPruned} that names it): an append first cuts the file back to that length, dropping the
 * lines of an export whose deletion never committed (their records are still in the store and are written again
 * now), so a crash between export and deletion neither loses nor duplicates a record.
 */
final class ExportFiles {
    private final Path dir;

    ExportFiles(Path dir) {
        this.dir = dir;
    }

    /** The file's name relative to the export directory, as the history records it. */
    static String name(String tenantId, LocalDate day) {
        return tenantId + "/" + day + ".ndjson";
    }

    /**
     * Cuts the file back to {@code committedLength}, appends the lines, and forces the file and its directories to
     * disk before it returns: nothing may leave the store before its export is durable.
     *
     * @throws IllegalStateException if the file is shorter than its committed length (lost or altered outside Tally)
     */
    ExportedPart append(String tenantId, LocalDate day, List<String> lines, long committedLength) {
        String name = name(tenantId, day);
        Path tenantDir = dir.resolve(tenantId);
        Path file = dir.resolve(name);
        try {
            boolean newDir = !Files.isDirectory(tenantDir);
            Files.createDirectories(tenantDir);
            if (newDir) {
                force(dir);
            }
            boolean newFile = !Files.exists(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long size = channel.size();
                if (size < committedLength) {
                    throw new IllegalStateException("export file " + file + " holds " + size + " bytes, fewer than the "
                            + committedLength + " the history records: it was lost or altered; nothing more of tenant '"
                            + tenantId + "' is pruned until it is restored");
                }
                if (size > committedLength) {
                    channel.truncate(committedLength);
                }
                channel.position(committedLength);
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                for (String line : lines) {
                    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    sha256.update(bytes);
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }
                long end = channel.position();
                channel.force(true);
                if (newFile) {
                    force(tenantDir);
                }
                return new ExportedPart(name, committedLength, end, lines.size(), HexFormat.of().formatHex(sha256.digest()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write export file " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Best effort after a deletion that did not commit: the file back to its committed length, so it never shows
     * records the store still holds. If this fails too, the next append does it.
     */
    void cutBack(ExportedPart part) {
        Path file = dir.resolve(part.file());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (channel.size() > part.fromByte()) {
                channel.truncate(part.fromByte());
                channel.force(true);
            }
        } catch (IOException ignored) {
            // the next append cuts the file back before it writes
        }
    }

    /** A directory's entries on disk: a new file is durable only once its directory entry is. */
    private static void force(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
