package org.baton.server.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.baton.core.Actor;
import org.baton.core.Lease;
import org.baton.core.LockEvent;
import org.baton.core.LockState;
import org.baton.core.ReleaseCause;
import org.baton.core.ResourceId;
import org.baton.core.audit.AuditQuery;
import org.baton.core.audit.AuditRecord;
import org.baton.core.audit.AuditTrail;
import org.baton.core.record.RecordStore;
import org.baton.core.record.VersionedRecord;
import org.baton.core.time.ManualClock;
import org.baton.server.audit.AuditRecorder;
import org.baton.server.audit.RequestAudit;
import org.baton.server.auth.Identity;
import org.baton.server.records.DemoRecords;
import org.baton.server.session.ClientOrigin;
import org.baton.store.jdbc.audit.JdbcAuditTrail;

/**
 * A month of acute-pain-service activity, written into an empty store so the dashboard has a history to show
 * ({@code ./start.sh --demo-month}, and the tests): the five record types on five wards, thirty clinicians on day and
 * night shifts, editing sessions that queue behind each other, hand-overs at shift change, asks, a few emergency and
 * forced takeovers and admin releases with their reasons, timeouts of every kind, and drafts offered back after a lost
 * lock (mostly restored).
 *
 * <p>Every entry is made as Baton itself makes it: lock decisions as core {@link LockEvent}s turned into entries by the
 * server's {@link AuditRecorder}, draft recoveries by {@link RequestAudit}, each at its simulated time; they are
 * appended through the real {@link AuditTrail} in time order, so the hash chain verifies and the statistics count them
 * like live traffic. The same seed and end give the same month.
 */
public final class DemoMonth {
    static final String[] WARDS = {"Surgical 4B", "Orthopaedics 2A", "Maternity 1", "Surgical 5A", "ICU step-down"};
    private static final String[] EMERGENCIES = {"Hypotension after epidural top-up: stopping the infusion now",
            "Respiratory depression: naloxone given, regime must change", "Motor block rising: infusion paused",
            "Wrong concentration on the pump: correcting before the next bolus", "Suspected epidural haematoma: stop and escalate"};
    private static final String[] FORCED = {"Ward round: dose review cannot wait", "Pharmacy query on the concentration",
            "Catheter dislodged: site needs documenting", "Holder went to theatre"};
    private static final String[] ADMIN = {"Left on the ward PC overnight", "Locum account closed at end of shift", "Workstation reimaged"};

    /** One of the thirty. */
    record Clinician(String userId, String name, String role, boolean nights) {
    }

    private final RecordStore records;
    private final AuditTrail trail;
    private final ManualClock clock;
    private final AuditRecorder recorder;
    private final RequestAudit requests;
    private final List<AuditRecord> written = new ArrayList<>();
    private final SplittableRandom random;
    private final Map<String, Long> fences = new HashMap<>();
    private final Map<String, Instant> busyUntil = new HashMap<>();
    private final Map<String, Lease> lastLease = new HashMap<>();
    private int leases;

    private DemoMonth(RecordStore records, JdbcAuditTrail trail, long seed, Instant start) {
        this.records = records;
        this.trail = trail;
        this.clock = new ManualClock(start);
        this.random = new SplittableRandom(seed);
        this.recorder = new AuditRecorder(trail, clock, session -> new ClientOrigin("192.0.2." + (Math.abs(session.hashCode()) % 200 + 10),
                "Mozilla/5.0 (ward workstation)"));
        this.requests = new RequestAudit(new AuditTrail() {
            @Override
            public List<org.baton.core.audit.AuditEntry> append(List<AuditRecord> more) {
                written.addAll(more);
                return List.of();
            }

            @Override
            public List<org.baton.core.audit.AuditEntry> search(AuditQuery query) {
                throw new UnsupportedOperationException("the demo collector is written, never read");
            }

            @Override
            public org.baton.core.audit.AuditChain.Report verify() {
                throw new UnsupportedOperationException("the demo collector is written, never read");
            }

            @Override
            public org.baton.core.audit.AuditChain.Head head() {
                throw new UnsupportedOperationException("the demo collector is written, never read");
            }
        }, clock);
    }

    /** What was written. */
    public record Written(int records, int auditEntries, Instant from, Instant to) {
    }

    /**
     * Writes the 30 days before {@code end} (to the hour) into {@code trail} and {@code records}, unless the trail
     * already holds entries; returns what it wrote, or null when the store was not empty.
     */
    public static Written writeIfEmpty(RecordStore records, JdbcAuditTrail trail, Instant end, long seed) {
        if (!trail.search(new AuditQuery(null, null, null, null, null, 0, 1)).isEmpty()) {
            return null;
        }
        Instant to = end.truncatedTo(ChronoUnit.HOURS);
        Instant from = to.minus(Duration.ofDays(30));
        DemoMonth month = new DemoMonth(records, trail, seed, from);
        int created = month.createRecords(from);
        month.simulate(from, to);
        month.written.sort(java.util.Comparator.comparing(AuditRecord::at));
        for (int i = 0; i < month.written.size(); i += 1_000) {
            trail.append(month.written.subList(i, Math.min(month.written.size(), i + 1_000)));
        }
        return new Written(created, month.written.size(), from, to);
    }

    // ---- the people and the records -------------------------------------------------------------------------------

    static List<Clinician> clinicians() {
        List<Clinician> people = new ArrayList<>();
        people.add(new Clinician("sharma", "Dr. Priya Sharma", "attending", false));
        people.add(new Clinician("johnson", "Dr. Alan Johnson", "attending", false));
        people.add(new Clinician("chen", "Dr. Mei Chen", "resident", false));
        people.add(new Clinician("okafor", "Nurse Grace Okafor", "nurse", false));
        people.add(new Clinician("lindqvist", "Nurse Erik Lindqvist", "nurse", true));
        String[] attendings = {"Dr. Hana Kobayashi", "Dr. Samuel Osei", "Dr. Laura Becker"};
        String[] residents = {"Dr. Omar Haddad", "Dr. Ines Duarte", "Dr. Tom Fletcher", "Dr. Nadia Petrova", "Dr. Kwame Mensah",
                "Dr. Sofia Rossi", "Dr. Liam Walsh"};
        String[] nurses = {"Nurse Aisha Bello", "Nurse Jonas Weber", "Nurse Maria Santos", "Nurse Priya Nair", "Nurse Ewan Grant",
                "Nurse Chloe Martin", "Nurse Daniel Kim", "Nurse Fatima Zahra", "Nurse Olivia Brown", "Nurse Mateo Garcia",
                "Nurse Ruth Adeyemi", "Nurse Piotr Nowak", "Nurse Hannah Clarke", "Nurse Yusuf Demir"};
        for (int i = 0; i < attendings.length; i++) {
            people.add(new Clinician("att" + (i + 1), attendings[i], "attending", i == 2));
        }
        for (int i = 0; i < residents.length; i++) {
            people.add(new Clinician("res" + (i + 1), residents[i], "resident", i >= 4));
        }
        for (int i = 0; i < nurses.length; i++) {
            people.add(new Clinician("rn" + (i + 1), nurses[i], "nurse", i >= 8));
        }
        people.add(new Clinician("rivera", "Sam Rivera (IT)", "admin", false));
        return people;
    }

    private final List<String> resources = new ArrayList<>();
    private final List<String> hot = new ArrayList<>();

    private int createRecords(Instant at) {
        int created = DemoRecords.seedIfEmpty(records, clock);
        for (int p = 1; p <= 20; p++) {
            String ward = WARDS[(p - 1) % WARDS.length];
            String patient = "p-" + (2000 + p);
            created += put("patient", patient, at, "mrn", "MRN-" + (700100 + p * 37), "name", "Patient " + (2000 + p), "ward", ward,
                    "bed", Integer.toString(p), "diagnosis", "Post-operative analgesia");
            created += put("catheter", "c-" + (6000 + p), at, "patient_id", patient, "catheter_type", p % 3 == 0 ? "peripheral nerve" : "epidural",
                    "site", p % 3 == 0 ? "Adductor canal" : "T10-11", "status", "active");
            created += put("drug_regime", "d-" + (7000 + p), at, "patient_id", patient, "catheter_id", "c-" + (6000 + p), "drug",
                    "Bupivacaine + fentanyl", "route", "epidural", "rate_ml_h", 6.0 + p % 4);
            created += put("functional_outcome", "f-" + (8000 + p), at, "patient_id", patient, "assessed_at", at.toString(), "pain_at_rest",
                    (long) (p % 5));
            if (p % 4 == 0) {
                created += put("catheter_removal", "r-" + (9000 + p), at, "catheter_id", "c-" + (6000 + p), "removed_at", at.toString(),
                        "reason", "end of therapy");
            }
        }
        for (String patient : List.of("p-1001", "p-1002", "p-1003")) {
            resources.addAll(List.of("patient:" + patient + ":main", "patient:" + patient + ":allergies", "patient:" + patient + ":notes"));
        }
        resources.addAll(List.of("catheter:c-2001:main", "catheter:c-2002:main", "drug_regime:d-3001:main", "drug_regime:d-3002:main",
                "functional_outcome:f-4001:main", "catheter_removal:r-5001:main"));
        for (int p = 1; p <= 20; p++) {
            resources.add("patient:p-" + (2000 + p) + ":main");
            resources.add("patient:p-" + (2000 + p) + ":notes");
            resources.add("catheter:c-" + (6000 + p) + ":main");
            resources.add("drug_regime:d-" + (7000 + p) + ":main");
            resources.add("functional_outcome:f-" + (8000 + p) + ":main");
            if (p % 4 == 0) {
                resources.add("catheter_removal:r-" + (9000 + p) + ":main");
            }
        }
        hot.addAll(List.of("drug_regime:d-3001:main", "drug_regime:d-7003:main", "patient:p-2007:main", "catheter:c-6011:main",
                "drug_regime:d-7014:main", "patient:p-1001:notes"));
        return created;
    }

    private int put(String type, String id, Instant at, Object... pairs) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((String) pairs[i], pairs[i + 1]);
        }
        return records.create(new VersionedRecord(type, id, 1, fields, at, "demo", null, null), RecordStore.SaveAudit.NONE) ? 1 : 0;
    }

    // ---- the month ---------------------------------------------------------------------------------------------

    /** What someone sets out to do. */
    private enum Intent { EDIT, EMERGENCY, FORCED, ADMIN }

    /** One wish: who, what, on which resource, from when, for how long. */
    private record Wish(Intent intent, Clinician who, String resource, Instant at, Duration held) {
    }

    private void simulate(Instant from, Instant to) {
        List<Clinician> people = clinicians().stream().filter(c -> !c.role().equals("admin")).toList();
        List<Wish> wishes = new ArrayList<>();
        for (Instant day = from; day.isBefore(to); day = day.plus(Duration.ofDays(1))) {
            for (Clinician c : people) {
                if (random.nextInt(7) < 2) {
                    continue; // days off
                }
                Instant shift = day.plus(Duration.ofMinutes(c.nights() ? 19 * 60 : 7 * 60));
                int sessions = c.nights() ? 3 + random.nextInt(3) : 5 + random.nextInt(5);
                for (int i = 0; i < sessions; i++) {
                    // More at the start of a shift (hand-over) and on the ward round, fewer at night.
                    long minute = random.nextInt(3) == 0 ? random.nextLong(90) : random.nextLong(12 * 60);
                    String resource = random.nextInt(4) == 0 ? hot.get(random.nextInt(hot.size())) : resources.get(random.nextInt(resources.size()));
                    wishes.add(new Wish(Intent.EDIT, c, resource, shift.plus(Duration.ofMinutes(minute)).plusSeconds(random.nextInt(60)), holdTime()));
                }
            }
        }
        List<Clinician> attendings = people.stream().filter(c -> c.role().equals("attending")).toList();
        for (Instant day = from; day.isBefore(to); day = day.plus(Duration.ofDays(1))) {
            if (random.nextInt(3) == 0) {
                wishes.add(new Wish(Intent.EMERGENCY, attendings.get(random.nextInt(attendings.size())), hot.get(random.nextInt(hot.size())),
                        day.plus(Duration.ofMinutes(8 * 60 + random.nextInt(10 * 60))), null));
            }
            if (random.nextInt(2) == 0) {
                wishes.add(new Wish(Intent.FORCED, attendings.get(random.nextInt(attendings.size())), hot.get(random.nextInt(hot.size())),
                        day.plus(Duration.ofMinutes(9 * 60 + random.nextInt(8 * 60))), null));
            }
            if (random.nextInt(5) == 0) {
                wishes.add(new Wish(Intent.ADMIN, clinicians().getLast(), resources.get(random.nextInt(resources.size())),
                        day.plus(Duration.ofMinutes(6 * 60 + random.nextInt(60))), null));
            }
        }
        wishes.removeIf(w -> !w.at().isBefore(to.minus(Duration.ofHours(1))));
        wishes.sort(java.util.Comparator.comparing(Wish::at));
        for (Wish wish : wishes) {
            switch (wish.intent()) {
                case EDIT -> play(wish);
                case EMERGENCY, FORCED -> takeover(wish.who(), wish.resource(), wish.at(), wish.intent() == Intent.EMERGENCY);
                case ADMIN -> adminRelease(wish.who(), wish.resource(), wish.at());
            }
        }
    }

    /** Mostly a few minutes, sometimes half an hour or more. */
    private Duration holdTime() {
        double minutes = Math.exp(1.4 + random.nextDouble() * 1.6 + (random.nextInt(8) == 0 ? 1.2 : 0));
        return Duration.ofSeconds(20 + (long) (minutes * 60));
    }

    private void play(Wish wish) {
        String rid = wish.resource();
        Actor actor = actor(wish.who(), wish.at());
        Instant free = busyUntil.getOrDefault(rid, Instant.EPOCH);
        Instant start = wish.at();
        Instant queuedSince = null;
        if (free.isAfter(start)) {
            Duration wait = Duration.between(start, free);
            decide(start, new LockEvent.Queued(ResourceId.parse(rid), actor, 1, wait));
            if (random.nextInt(6) == 0) {
                Lease holder = lastLease.get(rid);
                LockState.Ask ask = new LockState.Ask("q" + (++leases), actor, "Could I have it for a minute? Dose change.", start.plusSeconds(120));
                decide(start.plusSeconds(20), new LockEvent.AskReceived(ResourceId.parse(rid), ask, holder.holder()));
                boolean timedOut = random.nextInt(3) == 0;
                decide(start.plusSeconds(timedOut ? 140 : 60), new LockEvent.AskAnswered(ResourceId.parse(rid), ask, false, timedOut));
            }
            if (wait.compareTo(Duration.ofMinutes(40)) > 0) {
                decide(start.plus(Duration.ofMinutes(40)), new LockEvent.LeftQueue(ResourceId.parse(rid), actor,
                        random.nextInt(3) == 0 ? LockEvent.QueueExit.EXPIRED : LockEvent.QueueExit.LEFT));
                return;
            }
            if (random.nextInt(25) == 0) {
                decide(free.plusSeconds(30), new LockEvent.TurnPassed(ResourceId.parse(rid), actor));
                return;
            }
            queuedSince = start;
            start = free;
        }
        Lease lease = grant(rid, actor, start, queuedSince == null ? LockEvent.Via.DIRECT : LockEvent.Via.QUEUE_AUTO_ACQUIRE, queuedSince);
        int roll = random.nextInt(100);
        ReleaseCause cause = roll < 84 ? ReleaseCause.RELEASED : roll < 88 ? ReleaseCause.DISCONNECT : roll < 93 ? ReleaseCause.IDLE_TIMEOUT
                : roll < 96 ? ReleaseCause.EXPIRED : ReleaseCause.GRACE_PERIOD_EXPIRED;
        Duration held = switch (cause) {
            case IDLE_TIMEOUT -> Duration.ofMinutes(30).plus(wish.held().dividedBy(4));
            case EXPIRED -> Duration.ofMinutes(5).plus(wish.held().dividedBy(4));
            case GRACE_PERIOD_EXPIRED -> wish.held().plusSeconds(30);
            default -> wish.held();
        };
        Instant end = start.plus(held);
        decide(end, new LockEvent.Released(lease, cause, null, null, null));
        busyUntil.put(rid, end);
        if (cause.wasInvoluntary()) {
            recover(wish.who(), rid, end.plus(Duration.ofMinutes(2 + random.nextInt(40))));
        }
    }

    /** Someone takes a lock someone else holds at {@code at}: in an emergency, or by a request forced at its deadline. */
    private void takeover(Clinician by, String rid, Instant at, boolean emergency) {
        Lease held = holderAt(rid, at);
        if (held == null) {
            return;
        }
        Actor taker = actor(by, at);
        String reason = emergency ? EMERGENCIES[random.nextInt(EMERGENCIES.length)] : FORCED[random.nextInt(FORCED.length)];
        Instant when = emergency ? at : at.plusSeconds(30);
        if (!emergency) {
            decide(at, new LockEvent.TakeoverRequested(ResourceId.parse(rid), taker, reason, when, held.holder()));
        }
        decide(when, new LockEvent.TakenOver(held, taker, reason, emergency), new LockEvent.Released(held, ReleaseCause.TAKEOVER, null, taker, reason));
        Lease taken = grant(rid, taker, when, emergency ? LockEvent.Via.EMERGENCY : LockEvent.Via.TAKEOVER_FORCED, null);
        Instant end = when.plus(Duration.ofMinutes(3 + random.nextInt(15)));
        decide(end, new LockEvent.Released(taken, ReleaseCause.RELEASED, null, null, null));
        busyUntil.put(rid, end);
        Clinician displaced = clinicians().stream().filter(c -> c.userId().equals(held.holder().userId())).findFirst().orElseThrow();
        recover(displaced, rid, end.plus(Duration.ofMinutes(5)));
    }

    /** An admin releases a lock left held on a workstation overnight. */
    private void adminRelease(Clinician by, String rid, Instant at) {
        Lease left = holderAt(rid, at.minus(Duration.ofHours(9)));
        if (left == null) {
            return;
        }
        Actor admin = actor(by, at);
        String reason = ADMIN[random.nextInt(ADMIN.length)];
        decide(at, new LockEvent.AdminReleased(left, admin, reason), new LockEvent.Released(left, ReleaseCause.ADMIN_RELEASE, null, admin, reason));
        busyUntil.put(rid, at);
    }

    /** A lease {@code rid} would have been granted at {@code at} to someone of the day shift (written when used). */
    private Lease holderAt(String rid, Instant at) {
        List<Clinician> day = clinicians().stream().filter(c -> !c.nights() && !c.role().equals("admin")).toList();
        Clinician who = day.get(random.nextInt(day.size()));
        Instant since = at.minus(Duration.ofMinutes(5 + random.nextInt(40)));
        if (busyUntil.getOrDefault(rid, Instant.EPOCH).isAfter(since)) {
            return null;
        }
        return grant(rid, actor(who, since), since, LockEvent.Via.DIRECT, null);
    }

    /** The lock's owner comes back and is offered their draft: restored four times in five. */
    private void recover(Clinician who, String rid, Instant at) {
        clock.set(at);
        requests.draftRecovery(new Identity(who.userId(), who.name(), List.of(who.role()), at.plus(Duration.ofHours(8))), new ClientOrigin("192.0.2.50", "Mozilla/5.0 (ward workstation)"),
                rid, random.nextInt(5) != 0, random.nextBoolean() ? "device" : "server");
    }

    private Lease grant(String rid, Actor actor, Instant at, LockEvent.Via via, Instant queuedSince) {
        long fence = fences.merge(rid, 1L, Long::sum);
        Lease lease = new Lease(ResourceId.parse(rid), "demo-" + (++leases), fence, actor, at, at.plus(Duration.ofMinutes(5)),
                at.plus(Duration.ofMinutes(30)), at, false, null);
        decide(at, new LockEvent.Acquired(lease, via, null, queuedSince));
        lastLease.put(rid, lease);
        return lease;
    }

    private Actor actor(Clinician c, Instant at) {
        return new Actor(c.userId(), c.name(), List.of(c.role()), "demo-" + c.userId() + "-" + at.truncatedTo(ChronoUnit.DAYS).getEpochSecond());
    }

    /** The entries of one decision, made at {@code at}. */
    private void decide(Instant at, LockEvent... events) {
        clock.set(at);
        written.addAll(recorder.toRecords(List.of(events)));
    }
}
