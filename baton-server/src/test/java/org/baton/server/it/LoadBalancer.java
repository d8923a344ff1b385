package org.baton.server.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real load balancer in front of the cluster: HAProxy (Debian's package, installed by scripts/test-deps.sh) on a
 * free loopback port, round-robin over the instances, checking {@code /health/ready} twice a second and
 * retrying a request on another instance when one refuses connections. Its runtime API (a Unix socket) can take a
 * backend out of rotation and cut every connection through it: the stand-in for a client cut off from its instance.
 */
final class LoadBalancer implements AutoCloseable {
    final int port;
    private final Path dir;
    private final Process process;

    LoadBalancer(Path dir, List<Integer> backends) throws IOException {
        this.dir = dir;
        this.port = ServerProcess.freePort();
        StringBuilder config = new StringBuilder("""
                global
                  maxconn 8192
                  stats socket %s mode 600 level admin
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 60s
                  timeout server 60s
                  timeout tunnel 1h
                  retries 3
                  option redispatch
                frontend baton
                  bind 127.0.0.1:%d
                  default_backend instances
                backend instances
                  balance roundrobin
                  option httpchk GET /health/ready
                  http-check expect status 200
                  timeout check 3s
                  default-server inter 500ms fall 2 rise 1
                """.formatted(dir.resolve("haproxy.sock"), port));
        for (int i = 0; i < backends.size(); i++) {
            config.append("  server b").append(i + 1).append(" 127.0.0.1:").append(backends.get(i)).append(" check\n");
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        process = new ProcessBuilder("haproxy", "-f", file.toString(), "-db").redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        org.awaitility.Awaitility.await("HAProxy listening").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("haproxy exited: " + Files.readString(dir.resolve("haproxy.log")));
                    }
                    try (var socket = new java.net.Socket("127.0.0.1", port)) {
                        return true;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    java.net.URI base() {
        return java.net.URI.create("http://127.0.0.1:" + port);
    }

    /** Takes instance {@code index} (1-based) out of rotation and cuts every connection through it. */
    void cutOff(int index) throws IOException {
        command("disable server instances/b" + index);
        command("shutdown sessions server instances/b" + index);
    }

    void restore(int index) throws IOException {
        command("enable server instances/b" + index);
    }

    /**
     * Waits until HAProxy itself reports every backend UP. A test that just killed PostgreSQL or restarted an instance
     * leaves backends marked DOWN until their next passing check; a client arriving then gets HAProxy's 503.
     */
    void awaitAllUp(Duration atMost) {
        org.awaitility.Awaitility.await("every backend UP in HAProxy").atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> backendStates().values().stream().allMatch(state -> state.startsWith("UP")));
    }

    /** Each server of the backend with its status as HAProxy's statistics name it (UP, DOWN, MAINT, ...). */
    java.util.Map<String, String> backendStates() throws IOException {
        List<String> lines = command("show stat").lines().toList();
        List<String> header = List.of(lines.get(0).replaceFirst("^# ", "").split(","));
        int proxy = header.indexOf("pxname");
        int server = header.indexOf("svname");
        int status = header.indexOf("status");
        java.util.Map<String, String> states = new java.util.TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            if (cells.length > status && cells[proxy].equals("instances") && cells[server].startsWith("b")) {
                states.put(cells[server], cells[status]);
            }
        }
        return states;
    }

    /** Sends one command to HAProxy's runtime API and returns its answer. */
    String command(String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(dir.resolve("haproxy.sock")));
            Writer out = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
            out.write(line + "\n");
            out.flush();
            channel.shutdownOutput();
            var in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            return String.join("\n", in.lines().toList());
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
