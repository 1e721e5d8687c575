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
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The deployment's key-encryption key. Private signing keys enter the event history only sealed with it
 * (AES-256-GCM), because events are kept forever and every operator can read them.
 *
 * <p>Sealed form: {@code v1.<key fingerprint>.<base64url(iv || ciphertext || tag)>}. The associated data (for a
 * signing key: tenant and key id) is authenticated, so a sealed value cannot be moved to another tenant.
 */
public final class MasterKey {
    private static final String VERSION = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String fingerprint;

    private MasterKey(byte[] raw) {
        if (raw.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (256 bits), got " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
        this.fingerprint = fingerprintOf(raw);
    }

    /** From the base64 (standard or url-safe) text of 32 random bytes, as given in configuration. */
    public static MasterKey fromBase64(String encoded) {
        String s = encoded.trim();
        byte[] raw = s.contains("-") || s.contains("_") ? Base64.getUrlDecoder().decode(s) : Base64.getDecoder().decode(s);
        return new MasterKey(raw);
    }

    /**
     * Reads the key from {@code file}, or creates the file with a new random key readable and writable by its
     * owner only. Used by the standalone server, which keeps the key in its data directory.
     */
    public static MasterKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n");
                return new MasterKey(raw);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: read theirs
            }
        }
        return fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
    }

    public String fingerprint() {
        return fingerprint;
    }

    /**
     * A 256-bit key for one purpose, derived from this key (HMAC-SHA256 of the purpose's name under it), so the
     * master key itself is used only to seal. The same purpose always gives the same key; another master key another.
     */
    public byte[] derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("tally/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    public String seal(byte[] plaintext, String associatedData) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return VERSION + "." + fingerprint + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** @throws IllegalStateException if the value was sealed with another master key or was tampered with */
    public byte[] open(String sealedValue, String associatedData) {
        String[] parts = sealedValue.split("\\.");
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw new IllegalStateException("not a sealed value of a known version");
        }
        if (!fingerprint.equals(parts[1])) {
            throw new IllegalStateException("sealed with another master key (fingerprint " + parts[1]
                    + "); this deployment's key has fingerprint " + fingerprint);
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

    private static String fingerprintOf(byte[] raw) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(raw);
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
