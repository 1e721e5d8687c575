package dev.tally.kernel.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The deployment's key-encryption keys: a ring of AES-256 keys, each named by its fingerprint. Private signing keys
 * enter the event history only sealed (AES-256-GCM), because events are kept forever and every operator can read them.
 * The primary key seals; every key of the ring opens what it sealed, so the master key can be rotated without
 * downtime: the new key becomes primary, the old one stays as a previous key until everything it sealed has been
 * sealed again under the primary ({@code SigningKeyResealed}).
 *
 * <p>Sealed form: {@code v1.<key fingerprint>.<base64url(iv || ciphertext || tag)>}; the fingerprint names the ring key
 * that opens it. The associated data (for a signing key: tenant and key id) is authenticated, so a sealed value cannot
 * be moved to another tenant.
 */
public final class MasterKey {
    private static final String VERSION = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The ring by fingerprint, the primary first. */
    private final Map<String, SecretKeySpec> ring;
    private final String primary;

    private MasterKey(Map<String, SecretKeySpec> ring) {
        this.ring = ring;
        this.primary = ring.keySet().iterator().next();
    }

    private static MasterKey single(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (256 bits), got " + raw.length);
        }
        Map<String, SecretKeySpec> ring = new LinkedHashMap<>();
        ring.put(fingerprintOf(raw), new SecretKeySpec(raw, "AES"));
        return new MasterKey(ring);
    }

    /** From the base64 (standard or url-safe) text of 32 random bytes, as given in configuration. */
    public static MasterKey fromBase64(String encoded) {
        String s = encoded.trim();
        byte[] raw = s.contains("-") || s.contains("_") ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        return single(raw);
    }

    /**
     * Reads the ring from {@code file}: one key per line (base64), the primary first, then previous keys; blank lines
     * and lines starting with {@code #} are skipped. Creates the file with one new random key, readable and writable
     * by its owner only, when it is absent. Used by the standalone server, which keeps the key in its data directory.
     */
    public static MasterKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n");
                return single(raw);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: read theirs
            }
        }
        List<MasterKey> keys = Files.readAllLines(file, StandardCharsets.US_ASCII).stream().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).map(MasterKey::fromBase64).toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the master key file " + file + " holds no key");
        }
        return keys.get(0).withPrevious(keys.subList(1, keys.size()));
    }

    /**
     * This ring with {@code previous} keys added after its own: they open what they sealed, they never seal. A key
     * given twice counts once; the primary stays this ring's.
     */
    public MasterKey withPrevious(List<MasterKey> previous) {
        Map<String, SecretKeySpec> merged = new LinkedHashMap<>(ring);
        previous.forEach(p -> p.ring.forEach(merged::putIfAbsent));
        return new MasterKey(merged);
    }

    /** The fingerprint of the primary key: the one that seals. */
    public String fingerprint() {
        return primary;
    }

    /** Every key's fingerprint, the primary first. */
    public List<String> fingerprints() {
        return List.copyOf(ring.keySet());
    }

    /** The fingerprint a sealed value names: the ring key it needs. */
    public static String sealedBy(String sealedValue) {
        return parts(sealedValue)[1];
    }

    /** Whether a key of this ring opens this sealed value (by its fingerprint; authentication is checked on opening). */
    public boolean holdsKeyOf(String sealedValue) {
        return ring.containsKey(sealedBy(sealedValue));
    }

    /** @throws UnknownMasterKey if no key of this ring has the fingerprint the sealed value names */
    public void requireKeyOf(String sealedValue) {
        if (!holdsKeyOf(sealedValue)) {
            throw new UnknownMasterKey(sealedBy(sealedValue), fingerprints());
        }
    }

    /** Whether the value is sealed under the primary key, so re-sealing it would change nothing. */
    public boolean sealedUnderPrimary(String sealedValue) {
        return primary.equals(sealedBy(sealedValue));
    }

    /**
     * A 256-bit key for one purpose, derived from the primary key (HMAC-SHA256 of the purpose's name under it), so the
     * master key itself is used only to seal. The same purpose always gives the same key; another primary another, so
     * a change of primary changes every derived key.
     */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ring.get(primary).getEncoded(), "HmacSHA256"));
            return mac.doFinal(("tally/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    /** Seals under the primary key. */
    public String seal(byte[] plaintext, String associatedData) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, ring.get(primary), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return VERSION + "." + primary + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * Opens with the ring key the value names.
     *
     * @throws UnknownMasterKey if no key of the ring has the fingerprint the value names
     * @throws IllegalStateException if the value was tampered with or belongs to other associated data
     */
    public byte[] open(String sealedValue, String associatedData) {
        String[] parts = parts(sealedValue);
        SecretKeySpec key = ring.get(parts[1]);
        if (key == null) {
            throw new UnknownMasterKey(parts[1], fingerprints());
        }
        byte[] in = Base64.getUrlDecoder().decode(parts[2]);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed value failed authentication: wrong associated data or tampered", e);
        }
    }

    /** The same plaintext sealed under the primary key; the plaintext never leaves this method. */
    public String reseal(String sealedValue, String associatedData) {
        byte[] plaintext = open(sealedValue, associatedData);
        try {
            return seal(plaintext, associatedData);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static String[] parts(String sealedValue) {
        String[] parts = sealedValue == null ? new String[0] : sealedValue.split("\\.");
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw new IllegalStateException("not a sealed value of a known version");
        }
        return parts;
    }

    private static String fingerprintOf(byte[] raw) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A value is sealed under a master key that is not in this deployment's ring: it cannot be opened until that key
     * is configured again (as a previous key).
     */
    public static final class UnknownMasterKey extends IllegalStateException {
        /** Where an operator puts a key back so that what it sealed opens again. */
        public static final String HOW_TO_FIX = "add that key to tally.master-key-previous (TALLY_MASTER_KEY_PREVIOUS, "
                + "comma-separated) or as a further line of the tally.master-key-file, and restart";

        private final String fingerprint;
        private final String ring;

        UnknownMasterKey(String fingerprint, List<String> ring) {
            this(fingerprint, "primary " + ring.get(0) + (ring.size() > 1
                    ? ", previous " + String.join(", ", ring.subList(1, ring.size())) : ", no previous keys"));
        }

        private UnknownMasterKey(String fingerprint, String ring) {
            super("sealed with another master key (fingerprint " + fingerprint + "), which is not in this deployment's "
                    + "key ring (" + ring + ")");
            this.fingerprint = fingerprint;
            this.ring = ring;
        }

        /** The ring's keys, for a message: {@code primary <fingerprint>, previous <fingerprint>, ...}. */
        public String ring() {
            return ring;
        }

        /** The fingerprint of the key that is missing. */
        public String fingerprint() {
            return fingerprint;
        }
    }
}
