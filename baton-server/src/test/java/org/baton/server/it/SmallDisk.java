package org.baton.server.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tiny filesystem of its own (a size-limited tmpfs mounted by the test; the tests run as root), and a ballast file
 * that fills it up to the last byte and can be deleted again: a full disk a test can make and take away.
 */
final class SmallDisk implements AutoCloseable {
    final Path mountPoint;
    private final Path ballast;

    SmallDisk(Path mountPoint, int megabytes) throws IOException, InterruptedException {
        this.mountPoint = Files.createDirectories(mountPoint);
        run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
        ballast = mountPoint.resolve("ballast");
    }

    /** Writes the ballast until the filesystem refuses another byte; returns how many bytes it took. */
    long fill() throws IOException {
        long written = 0;
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(ballast, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            while (true) {
                int size = chunk.length;
                try {
                    out.write(chunk, 0, size);
                    out.flush();
                    written += size;
                } catch (IOException full) {
                    break;
                }
            }
        } catch (IOException closeFailedOnFullDisk) {
            // the last partial write is what filled it
        }
        byte[] small = new byte[512];
        for (boolean room = true; room; ) {
            try (OutputStream out = Files.newOutputStream(ballast, java.nio.file.StandardOpenOption.APPEND)) {
                out.write(small);
                written += small.length;
            } catch (IOException full) {
                room = false;
            }
        }
        return written;
    }

    /** Deletes the ballast: the space is back. */
    void free() throws IOException {
        Files.deleteIfExists(ballast);
    }

    long freeBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        free();
        run("umount", "-l", mountPoint.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }
}
