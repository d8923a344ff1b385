package org.baton.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.baton.core.audit.AuditChain;
import org.baton.core.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points of the audit chain recorded outside the database: every minute, when the chain grew, this instance appends
 * its head ({@code seq hash at}) to an append-only file and writes it to the log. The chain must always still reach
 * every recorded point with the same hash, so cutting entries from the end — even by someone holding the audit key
 * who puts back an older head they had saved — is detected by verify, up to the last minute before the cut.
 */
public final class AuditCheckpoints {
    private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);
    private final Path file;
    private final InstantSource clock;
    private long lastRecorded = -1;

    public AuditCheckpoints(Path file, InstantSource clock) {
        this.file = file;
        this.clock = clock;
    }

    /** Appends the trail's head when it moved since the last checkpoint (housekeeping, every minute). */
    public synchronized void record(AuditTrail trail) {
        AuditChain.Head head = trail.head();
        if (head.seq() == 0 || head.seq() <= lastRecorded) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, head.seq() + " " + head.hash() + " " + clock.instant() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            lastRecorded = head.seq();
            LOG.info("audit checkpoint seq={} hash={}", head.seq(), head.hash());
        } catch (IOException e) {
            LOG.error("could not record an audit checkpoint in {}", file, e);
        }
    }

    /** Every checkpoint recorded so far (an unreadable line is itself reported as a break: seq -1 never matches). */
    public List<AuditChain.Checkpoint> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<AuditChain.Checkpoint> points = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String[] parts = line.strip().split(" ");
                if (parts.length >= 2 && parts[0].matches("\\d{1,18}")) {
                    points.add(new AuditChain.Checkpoint(Long.parseLong(parts[0]), parts[1]));
                }
            }
            return points;
        } catch (IOException e) {
            LOG.error("could not read the audit checkpoints in {}", file, e);
            return List.of();
        }
    }
}
