package org.baton.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers: free ports, /proc readings, CPU pinning. */
final class Net {
    private static volatile List<String> serverPinning = List.of();
    private static volatile String pinningNote = "not pinned";

    private Net() {
    }

    /**
     * Pins this process (the load generator) to the last core and prefixes servers' commands with {@code taskset} for
     * the others, when the machine has at least two cores and {@code taskset} exists; returns a note saying what was done.
     */
    static String pin(boolean wanted) {
        int cores = Report.CORES;
        if (!wanted || cores < 2) {
            pinningNote = wanted ? "not pinned (one core)" : "not pinned (--no-pin)";
            return pinningNote;
        }
        String client = Integer.toString(cores - 1);
        String servers = cores == 2 ? "0" : "0-" + (cores - 2);
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", client, Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                pinningNote = "not pinned (taskset failed)";
                return pinningNote;
            }
        } catch (IOException | InterruptedException e) {
            pinningNote = "not pinned (no taskset)";
            return pinningNote;
        }
        serverPinning = List.of("taskset", "-c", servers);
        pinningNote = "servers (Baton, echo, Redis) on CPU " + servers + ", load generator on CPU " + client + " (taskset)";
        return pinningNote;
    }

    /**
     * Undoes {@link #pin} for what follows (the cluster block): this process goes back to every core and servers start
     * unpinned. Returns the note for that block's report; the run's own note stays as it was for the blocks before.
     */
    static String unpin() {
        if (serverPinning.isEmpty()) {
            return pinningNote;
        }
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", "0-" + (Report.CORES - 1), Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException e) {
            return pinningNote;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return pinningNote;
        }
        serverPinning = List.of();
        return "not pinned in this block: PostgreSQL, four Baton processes and the load generator share every core (squeezed onto one core, the"
                + " servers starved each other)";
    }

    /** Moves already running server processes (and all their threads) to the servers' cores, when {@link #pin} pinned. */
    static void pinToServers(List<Long> pids) {
        if (serverPinning.isEmpty()) {
            return;
        }
        for (long pid : pids) {
            try {
                Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", serverPinning.get(2), Long.toString(pid)).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                p.waitFor();
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** CPU of several processes together, in milliseconds ({@link #cpuMillis}; a process that is gone counts 0). */
    static long cpuMillis(List<Long> pids) {
        return pids.stream().mapToLong(Net::cpuMillis).filter(c -> c > 0).sum();
    }

    static List<String> serverPinning() {
        return serverPinning;
    }

    static String pinningNote() {
        return pinningNote;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits (sleeping between tries, at most 60 s) until something accepts connections on {@code port}. */
    static void awaitListening(int port, Process process, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the process exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        throw new IllegalStateException("nothing listens on " + port + " after 60 s; see " + log);
    }

    /** utime + stime of a process, in milliseconds of CPU (from /proc/[pid]/stat; clock ticks are 100/s on Linux). */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size in KiB (VmRSS). */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or gone
        }
        return -1;
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The {@code uptime} line: load averages as the run saw them. */
    static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            return "load " + loadAverage();
        }
    }
}
