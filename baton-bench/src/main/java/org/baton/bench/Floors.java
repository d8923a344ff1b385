package org.baton.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * What this machine can do at best, measured in the same run: a minimal WebSocket echo server and a raw HTTP
 * responder on the same stack as Baton, in their own process pinned like Baton's ({@link EchoMain}); Redis
 * {@code SET key NX PX} through {@code redis-benchmark}; redis-server itself, without persistence and with
 * {@code appendonly yes} + {@code appendfsync always} (the durable peer); and this disk's fdatasync.
 */
final class Floors {
    private Floors() {
    }

    /** The echo / ping process. */
    static final class EchoServer implements AutoCloseable {
        final int port;
        private final Process process;

        EchoServer(Path bench, Path log) throws Exception {
            port = Net.freePort();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(Net.serverPinning());
            command.addAll(List.of(java, "-Xmx512m", "-cp", bench.toString(), EchoMain.class.getName(), Integer.toString(port)));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Net.awaitListening(port, process, log);
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** redis-server on a free loopback port, pinned like Baton; durable or not; stopped on close. */
    static final class Redis implements AutoCloseable {
        final int port;
        final boolean durable;
        private final Process process;

        Redis(Path dir, boolean durable) throws Exception {
            this.durable = durable;
            port = Net.freePort();
            Files.createDirectories(dir);
            List<String> command = new ArrayList<>(Net.serverPinning());
            command.addAll(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir.toString()));
            command.addAll(durable ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            Net.awaitListening(port, process, dir.resolve("redis.log"));
        }

        long pid() {
            return process.pid();
        }

        /** Requests per second of {@code SET key:<rand> v NX PX 30000} with {@code clients} connections. */
        double setNxPx(int clients, int requests) throws Exception {
            Process bench = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-c", Integer.toString(clients),
                    "-n", Integer.toString(requests), "-r", "100000", "-q", "SET", "bench:__rand_int__", "v", "NX", "PX", "30000")
                    .redirectErrorStream(true).start();
            String out = new String(bench.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            bench.waitFor(120, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("([0-9.]+) requests per second").matcher(out);
            double last = -1;
            while (m.find()) {
                last = Double.parseDouble(m.group(1));
            }
            if (last < 0) {
                throw new IllegalStateException("could not read redis-benchmark's output: " + out);
            }
            return last;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static boolean redisAvailable() {
        for (String tool : List.of("redis-server", "redis-benchmark")) {
            try {
                new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * This disk's fdatasync: {@code samples} times, a 4 KiB write then {@code FileChannel.force(false)} (fdatasync on
     * Linux) in {@code dir} — the cost a durable grant cannot avoid; recorded into {@code into} (nanoseconds).
     */
    static void fdatasync(Path dir, int samples, Histogram into) throws IOException {
        Path file = dir.resolve("fdatasync-probe");
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < samples; i++) {
                block.clear();
                block.putLong(0, i);
                long t0 = System.nanoTime();
                channel.write(block, (long) (i % 64) * 4096);
                channel.force(false);
                into.recordValue(System.nanoTime() - t0);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * What one decision's commit asks of this disk, at the pace the single-connection workload asks it: {@code pages}
     * pages of 4 KiB appended one by one to a log (as SQLite appends a decision's frames to its write-ahead log), then
     * {@code FileChannel.force(false)}, {@code perSecond} times a second on a schedule. A one-page sync back to back
     * ({@link #fdatasync}) is the floor a durable grant cannot go below; this is the floor for the write Baton makes
     * today, so the acquires' tail can be read against the disk's own tail for the same write at the same pace.
     */
    static void decisionSync(Path dir, int pages, int perSecond, int samples, Histogram into) throws IOException {
        Path file = dir.resolve("decision-sync-probe");
        ByteBuffer page = ByteBuffer.allocate(4096);
        long interval = 1_000_000_000L / perSecond;
        long next = System.nanoTime();
        long offset = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < samples; i++) {
                next += interval;
                LockSupport.parkNanos(next - System.nanoTime());
                long t0 = System.nanoTime();
                for (int p = 0; p < pages; p++) {
                    page.clear();
                    page.putLong(0, i);
                    channel.write(page, offset);
                    offset = (offset + 4096) % (4L << 20);
                }
                channel.force(false);
                into.recordValue(System.nanoTime() - t0);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
