package org.baton.server.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;

/**
 * The one secret that every user's local-draft key is derived from ({@link LocalDraftKeys}). Whoever has it can
 * derive every user's key, so it never leaves the server.
 *
 * <p>Today it is 32 random bytes in {@code <dataDir>/local-drafts.key}, created on first start with owner-only
 * permissions and read on every later start, so keys stay the same across restarts. <b>Scale-out seam:</b> every
 * instance must derive the same keys, so a shared store must hand out the same bytes; replace
 * {@link #inDataDirectory} with a factory that reads (or creates once) the secret from the database — nothing
 * else changes.
 */
public final class MasterKey {
    static final int LENGTH = 32;
    static final String FILE_NAME = "local-drafts.key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private final byte[] bytes;

    public MasterKey(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a master key has " + LENGTH + " bytes, not " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    /** Reads the key file of {@code dataDir}, creating it (owner-only, atomically) when it does not exist yet. */
    public static MasterKey inDataDirectory(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(file)) {
                create(file);
            }
            byte[] stored = Files.readAllBytes(file);
            if (stored.length != LENGTH) {
                throw new IllegalStateException(file + " is damaged: it should hold " + LENGTH + " bytes, it holds " + stored.length
                        + ". Restore it from a backup; deleting it makes every browser's local drafts unreadable.");
            }
            restrict(file);
            return new MasterKey(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local-draft key " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] fresh = new byte[LENGTH];
        new SecureRandom().nextBytes(fresh);
        Path temp = Files.createTempFile(file.getParent(), FILE_NAME, ".new");
        try {
            restrict(temp);
            Files.write(temp, fresh);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first; theirs is the key
            }
        } finally {
            Files.deleteIfExists(temp);
            Arrays.fill(fresh, (byte) 0);
        }
    }

    private static void restrict(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    byte[] bytes() {
        return bytes.clone();
    }
}
