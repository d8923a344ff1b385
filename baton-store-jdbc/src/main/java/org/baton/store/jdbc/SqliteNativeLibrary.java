package org.baton.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library, unpacked once into the data directory ({@code native/sqlite-<version>-<os>-<arch>/}) and
 * loaded from there on every later start. Left to itself the driver unpacks its 1 MiB library into the temporary
 * directory at each start, compares the copy with the jar byte by byte, and asks {@code uname} which platform it is
 * on: 150 to 200 ms of a restart here, the longest single step before Baton is ready again (issue 14). The driver's own
 * settings ({@code org.sqlite.lib.path}, {@code org.sqlite.lib.name}) point it at the copy; when an operator has set
 * either, or anything here fails, the driver does as it always did. A copy that will not load (a damaged file, a data
 * directory moved to another kind of machine) costs nothing either: the driver then unpacks its own.
 */
final class SqliteNativeLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    private static final AtomicBoolean CHOSEN = new AtomicBoolean();

    private SqliteNativeLibrary() {
    }

    /** Before the first SQLite connection of this process: the copy in {@code dataDir}, made if missing. */
    static void useCopyIn(Path dataDir) {
        if (System.getProperty("org.sqlite.lib.path") != null || System.getProperty("org.sqlite.lib.name") != null
                || !CHOSEN.compareAndSet(false, true)) {
            return; // the operator chose, or this process already has its library
        }
        String name = LibraryLoaderUtil.getNativeLibName();
        Path folder = dataDir.toAbsolutePath().resolve("native").resolve(("sqlite-" + SQLiteJDBCLoader.getVersion() + "-"
                + System.getProperty("os.name") + "-" + System.getProperty("os.arch")).replaceAll("[^A-Za-z0-9._-]", "_"));
        Path library = folder.resolve(name);
        try {
            if (!Files.isRegularFile(library) && !unpack(name, folder, library)) {
                return;
            }
            System.setProperty("org.sqlite.lib.path", folder.toString());
            System.setProperty("org.sqlite.lib.name", name);
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's library could not be kept in {}; the driver unpacks its own: {}", folder, e.toString());
        }
    }

    /** Copies the jar's library for this platform to {@code library} (whole or not at all); false when there is none. */
    private static boolean unpack(String name, Path folder, Path library) throws IOException {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name)) {
            if (in == null) {
                return false; // no library in the jar for this platform: the driver looks elsewhere, as it always did
            }
            Files.createDirectories(folder);
            Path part = Files.createTempFile(folder, name, ".part");
            try {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
                Files.move(part, library, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(part);
            }
            return true;
        }
    }
}
