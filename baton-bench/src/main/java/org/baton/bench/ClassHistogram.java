package org.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live heap by class of another JVM: {@code jcmd <pid> GC.class_histogram} (which runs a full GC first), as class
 * name → bytes. Diffing two of them attributes the heap a workload added to the classes that hold it.
 */
final class ClassHistogram {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private ClassHistogram() {
    }

    static Map<String, Long> of(long pid) throws IOException, InterruptedException {
        Map<String, Long> bytes = new HashMap<>();
        instancesAndBytes(pid).forEach((name, row) -> bytes.put(name, row[1]));
        return bytes;
    }

    /** Class name → {instances, bytes}. */
    static Map<String, long[]> instancesAndBytes(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        Map<String, long[]> bytes = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                long[] row = bytes.computeIfAbsent(m.group(3), k -> new long[2]);
                row[0] += Long.parseLong(m.group(1));
                row[1] += Long.parseLong(m.group(2));
            }
        }
        if (bytes.isEmpty()) {
            throw new IllegalStateException("jcmd GC.class_histogram gave nothing: " + out);
        }
        return bytes;
    }

    /** Who a class belongs to: Baton, Jetty, Javalin, or the JDK types every library uses (arrays, collections, strings). */
    /** Per class, instances and bytes in {@code after} less those in {@code before}. */
    static Map<String, long[]> growth(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, long[]> diff = new java.util.HashMap<>();
        after.forEach((k, v) -> {
            long[] was = before.getOrDefault(k, new long[2]);
            diff.put(k, new long[] {v[0] - was[0], v[1] - was[1]});
        });
        return diff;
    }

    static String owner(String className) {
        if (className.startsWith("org.baton.")) {
            return "Baton (org.baton.*)";
        }
        if (className.startsWith("org.eclipse.jetty.")) {
            return "Jetty (org.eclipse.jetty.*)";
        }
        if (className.startsWith("io.javalin.")) {
            return "Javalin (io.javalin.*)";
        }
        if (className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.") || className.startsWith("[")) {
            return "JDK types (arrays, strings, collections, locks: held by any of the above)";
        }
        return "other libraries";
    }
}
