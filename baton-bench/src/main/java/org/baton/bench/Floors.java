package org.baton.bench;

import io.javalin.Javalin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this machine can do at best, measured in the same run: a minimal WebSocket echo server and a raw HTTP
 * responder on the same stack as Baton (Javalin on Jetty, virtual threads), and Redis {@code SET key NX PX}
 * through {@code redis-benchmark} against a redis-server this class starts on loopback.
 */
final class Floors {
    private Floors() {
    }

    /** A WebSocket echo and {@code GET /ping} answering "ok". */
    static final class EchoServer implements AutoCloseable {
        final Javalin app;
        final int port;

        EchoServer() throws IOException {
            port = Net.freePort();
            app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.concurrency.useVirtualThreads = true;
                config.jetty.host = "127.0.0.1";
                config.jetty.port = port;
                config.routes.get("/ping", ctx -> ctx.result("ok"));
                config.routes.ws("/echo", ws -> ws.onMessage(ctx -> ctx.send(ctx.message())));
            }).start();
        }

        @Override
        public void close() {
            app.stop();
        }
    }

    /** redis-server on a free loopback port, no persistence; stopped on close. */
    static final class Redis implements AutoCloseable {
        final int port;
        private final Process process;

        Redis(Path dir) throws Exception {
            port = Net.freePort();
            process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (var socket = new java.net.Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException e) {
                    Thread.onSpinWait();
                }
            }
            throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis.log"));
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
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("redis-server", "redis-benchmark")) {
            try {
                new ProcessBuilder(tool, "--version").redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                missing.add(tool);
            }
        }
        return missing.isEmpty();
    }
}
