package org.baton.store.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.baton.core.analytics.AnalyticsQuery;
import org.baton.core.analytics.AnalyticsSummary;
import org.baton.core.analytics.ContentiousRecord;
import org.baton.core.analytics.DayCounts;
import org.baton.core.analytics.DayWaits;
import org.baton.core.analytics.DurationBuckets;
import org.baton.core.analytics.DurationDistribution;
import org.baton.core.analytics.EditHeatmap;
import org.baton.core.analytics.LockAnalytics;
import org.baton.core.analytics.OverrideEvent;
import org.baton.core.audit.AuditRecord;
import org.baton.core.audit.AuditTrail;
import org.baton.core.record.RecordStore;
import org.baton.core.record.VersionedRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The contract of every {@link LockAnalytics}: audit entries written through the store's {@link AuditTrail}, in the
 * shapes the server's audit recorder writes, are counted exactly — durations in their buckets with the median and 90th
 * percentile the core defines, days and hours in the asker's time zone, every filter (type, section, ward through the
 * records, user, role), range ends (start included, end excluded), takeovers counted once with their reasons — both on
 * hand-written stories with answers worked out by hand and on seeded random histories checked against a plain model.
 */
public abstract class LockAnalyticsContract {
    protected static final Instant DAY1 = Instant.parse("2026-03-02T00:00:00Z");
    protected static final AnalyticsQuery MARCH = AnalyticsQuery.between(DAY1, DAY1.plus(Duration.ofDays(7)));

    /** The three stores over one database. */
    public record Stores(AuditTrail trail, LockAnalytics analytics, RecordStore records) {
    }

    protected abstract Stores newStores();

    protected Stores stores;
    private final List<AuditRecord> pending = new ArrayList<>();

    @BeforeEach
    void open() {
        stores = newStores();
        stores.records().create(new VersionedRecord("patient", "p1", 1, Map.of("name", "Ada", "ward", "4B"), DAY1, "sharma", null, null),
                RecordStore.SaveAudit.NONE);
        stores.records().create(new VersionedRecord("patient", "p2", 1, Map.of("name", "Bo", "ward", "2A"), DAY1, "sharma", null, null),
                RecordStore.SaveAudit.NONE);
        stores.records().create(new VersionedRecord("catheter", "c1", 1, Map.of("patient_id", "p1", "site", "L2"), DAY1, "sharma", null, null),
                RecordStore.SaveAudit.NONE);
        stores.records().create(new VersionedRecord("catheter_removal", "r1", 1, Map.of("catheter_id", "c1"), DAY1, "sharma", null, null),
                RecordStore.SaveAudit.NONE);
    }

    // ---- the shapes of the server's audit entries ----------------------------------------------------------------

    private void add(Instant at, String user, String role, String action, String resource, String severity, String reason,
                     Map<String, String> details) {
        pending.add(new AuditRecord(at, user, user, role, action, resource, severity, reason, details));
    }

    /** {@code user} edits {@code resource} from {@code start} for {@code held}, ending for {@code cause}. */
    protected void edit(Instant start, Duration held, String user, String role, String resource, String cause) {
        add(start, user, role, "LOCK_ACQUIRED", resource, "INFO", null, Map.of("via", "DIRECT", "fencingToken", "1", "session", "s"));
        add(start.plus(held), user, role, "LOCK_" + cause, resource, "INFO", null,
                Map.of("holder", user, "holderRole", role, "acquiredAt", start.toString(), "fencingToken", "1", "session", "s"));
    }

    /** {@code user} joins the queue at {@code joined} and is served at {@code served}. */
    protected void waited(Instant joined, Instant served, String user, String role, String resource) {
        add(joined, user, role, "QUEUE_JOINED", resource, "INFO", null, Map.of("position", "1"));
        add(served, user, role, "LOCK_ACQUIRED", resource, "INFO", null,
                Map.of("via", "QUEUE_AUTO_ACQUIRE", "queuedAt", joined.toString(), "fencingToken", "2", "session", "s"));
    }

    /** {@code by} takes {@code resource} from {@code holder} (who held it since {@code since}): kind EMERGENCY, FORCED or APPROVED. */
    protected void takeover(Instant at, String by, String byRole, String holder, String holderRole, Instant since, String resource,
                            String kind, String reason) {
        if (!kind.equals("APPROVED")) {
            add(at, by, byRole, kind.equals("EMERGENCY") ? "EMERGENCY_TAKEOVER" : "TAKEOVER_FORCED", resource, "HIGH", reason,
                    Map.of("displaced", holder, "emergency", Boolean.toString(kind.equals("EMERGENCY"))));
        }
        add(at, by, byRole, "LOCK_TAKEOVER", resource, "HIGH", reason,
                Map.of("holder", holder, "holderRole", holderRole, "acquiredAt", since.toString(), "takeover", kind));
    }

    protected void adminRelease(Instant at, String admin, String holder, String holderRole, Instant since, String resource, String reason) {
        add(at, admin, "admin", "ADMIN_FORCE_RELEASE", resource, "HIGH", reason, Map.of("holder", holder));
        add(at, admin, "admin", "LOCK_ADMIN_RELEASE", resource, "HIGH", reason,
                Map.of("holder", holder, "holderRole", holderRole, "acquiredAt", since.toString()));
    }

    protected void plain(Instant at, String user, String role, String action, String resource, Map<String, String> details) {
        add(at, user, role, action, resource, "INFO", null, details);
    }

    /** Appends everything written so far, in time order, in batches (as many decisions would). */
    protected void commit() {
        pending.sort(Comparator.comparing(AuditRecord::at));
        for (int i = 0; i < pending.size(); i += 200) {
            stores.trail().append(pending.subList(i, Math.min(pending.size(), i + 200)));
        }
        pending.clear();
    }

    private static Instant at(int day, int hour, int minute) {
        return DAY1.plus(Duration.ofDays(day - 1)).plus(Duration.ofHours(hour)).plus(Duration.ofMinutes(minute));
    }

    private static long minutes(long n) {
        return Duration.ofMinutes(n).toMillis();
    }

    // ---- stories with answers worked out by hand ---------------------------------------------------------------

    @Test
    void lockDurations_eachLeaseInItsBucket_medianAndP90AreTheLongestInTheirBucket() {
        for (int i = 1; i <= 100; i++) {
            edit(at(1, 0, 0).plus(Duration.ofMinutes(2L * i)), Duration.ofMinutes(i), "u" + (i % 3), "nurse", "catheter:c1:main", "RELEASED");
        }
        commit();
        DurationDistribution d = stores.analytics().lockDurations(MARCH);
        assertThat(d.total()).isEqualTo(100);
        // 1..100 minutes: ranks 50 and 90 are 50 and 90 minutes, in the buckets (45, 60] and (60, 90] minutes.
        assertThat(d.percentileMillis(0.5)).isEqualTo(minutes(60));
        assertThat(d.percentileMillis(0.9)).isEqualTo(minutes(90));
        assertThat(d.averageMillis()).isEqualTo(Duration.ofSeconds(3030).toMillis());
        Map<String, Long> nonEmpty = new LinkedHashMap<>();
        d.bins().stream().filter(b -> b.count() > 0).forEach(b -> nonEmpty.put(b.label(), b.count()));
        assertThat(nonEmpty).containsExactly(Map.entry("≤ 1 min", 1L), Map.entry("≤ 2 min", 1L), Map.entry("≤ 3 min", 1L),
                Map.entry("≤ 4 min", 1L), Map.entry("≤ 5 min", 1L), Map.entry("≤ 7 min", 2L), Map.entry("≤ 10 min", 3L),
                Map.entry("≤ 15 min", 5L), Map.entry("≤ 20 min", 5L), Map.entry("≤ 30 min", 10L), Map.entry("≤ 45 min", 15L),
                Map.entry("≤ 1 h", 15L), Map.entry("≤ 1.5 h", 30L), Map.entry("≤ 2 h", 10L));
    }

    @Test
    void queueWaits_perDayOfTheAskersZone_withMedianAndP90_andEmptyDaysPresent() {
        // Day 1: waits of 1, 2, 3, 4 and 10 minutes; day 3: one of 40 minutes ending at 23:30 UTC (00:30 on day 4 in Berlin).
        int[] waits = {1, 2, 3, 4, 10};
        for (int i = 0; i < waits.length; i++) {
            Instant served = at(1, 10 + i, 0);
            waited(served.minus(Duration.ofMinutes(waits[i])), served, "okafor", "nurse", "drug_regime:d1:main");
        }
        waited(at(3, 22, 50), at(3, 23, 30), "chen", "resident", "drug_regime:d1:main");
        commit();
        List<DayWaits> utc = stores.analytics().queueWaits(MARCH);
        assertThat(utc).hasSize(7);
        assertThat(utc.get(0)).isEqualTo(new DayWaits(LocalDate.of(2026, 3, 2), 5, minutes(3), minutes(10)));
        assertThat(utc.get(1).waits()).isZero();
        assertThat(utc.get(1).medianMillis()).isNull();
        assertThat(utc.get(2)).isEqualTo(new DayWaits(LocalDate.of(2026, 3, 4), 1, minutes(40), minutes(40)));

        List<DayWaits> berlin = stores.analytics().queueWaits(MARCH.inZone(ZoneId.of("Europe/Berlin")));
        assertThat(berlin.get(2).waits()).isZero();
        assertThat(berlin.get(3)).isEqualTo(new DayWaits(LocalDate.of(2026, 3, 5), 1, minutes(40), minutes(40)));
    }

    @Test
    void overrides_countedOncePerTakeover_byKindPerDay_withTheirReasons_newestFirst() {
        takeover(at(1, 9, 0), "johnson", "attending", "chen", "resident", at(1, 8, 0), "drug_regime:d1:main", "EMERGENCY", "Hypotension");
        takeover(at(1, 11, 0), "sharma", "attending", "okafor", "nurse", at(1, 10, 30), "catheter:c1:main", "FORCED", "Ward round");
        takeover(at(2, 14, 0), "sharma", "attending", "okafor", "nurse", at(2, 13, 0), "catheter:c1:main", "APPROVED", "Handover");
        adminRelease(at(2, 23, 0), "rivera", "patel", "resident", at(2, 7, 0), "patient:p1:main", "Left on the ward PC");
        commit();
        List<DayCounts> days = stores.analytics().overridesPerDay(MARCH);
        assertThat(days.get(0).counts()).containsExactly(Map.entry("EMERGENCY", 1L), Map.entry("FORCED", 1L), Map.entry("APPROVED", 0L),
                Map.entry("ADMIN", 0L));
        assertThat(days.get(1).counts()).containsExactly(Map.entry("EMERGENCY", 0L), Map.entry("FORCED", 0L), Map.entry("APPROVED", 1L),
                Map.entry("ADMIN", 1L));
        assertThat(days.stream().skip(2).mapToLong(DayCounts::total).sum()).isZero();

        List<OverrideEvent> latest = stores.analytics().overrides(MARCH, 3);
        assertThat(latest).extracting(OverrideEvent::cause, OverrideEvent::userId, OverrideEvent::reason, OverrideEvent::recordKey)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ADMIN", "rivera", "Left on the ward PC", "patient:p1"),
                        org.assertj.core.groups.Tuple.tuple("APPROVED", "sharma", "Handover", "catheter:c1"),
                        org.assertj.core.groups.Tuple.tuple("FORCED", "sharma", "Ward round", "catheter:c1"));
        // The displaced holders' leases still count as held, by the holder and their role.
        DurationDistribution nurseHolds = stores.analytics().lockDurations(MARCH.ofRole("nurse"));
        assertThat(nurseHolds.total()).isEqualTo(2);
        assertThat(stores.analytics().lockDurations(MARCH.ofUser("patel")).percentileMillis(0.5)).isEqualTo(minutes(16 * 60));
    }

    @Test
    void timeoutsByCause_andDraftRecoveries_perDay() {
        edit(at(1, 8, 0), Duration.ofMinutes(5), "chen", "resident", "catheter:c1:main", "EXPIRED");
        edit(at(1, 9, 0), Duration.ofMinutes(30), "chen", "resident", "catheter:c1:main", "IDLE_TIMEOUT");
        edit(at(1, 10, 0), Duration.ofMinutes(1), "okafor", "nurse", "catheter:c1:main", "GRACE_PERIOD_EXPIRED");
        edit(at(1, 11, 0), Duration.ofMinutes(1), "okafor", "nurse", "catheter:c1:main", "DISCONNECT");
        plain(at(2, 9, 0), "okafor", "nurse", "QUEUE_TURN_MISSED", "catheter:c1:main", Map.of());
        plain(at(2, 9, 5), "okafor", "nurse", "QUEUE_LEFT", "catheter:c1:main", Map.of("why", "EXPIRED"));
        plain(at(2, 9, 6), "okafor", "nurse", "QUEUE_LEFT", "catheter:c1:main", Map.of("why", "LEFT"));
        plain(at(2, 9, 7), "okafor", "nurse", "ASK_ANSWERED", "catheter:c1:main", Map.of("timedOut", "true", "approved", "false"));
        plain(at(2, 9, 8), "okafor", "nurse", "ASK_ANSWERED", "catheter:c1:main", Map.of("timedOut", "false", "approved", "true"));
        plain(at(1, 12, 0), "chen", "resident", "DRAFT_RESTORED", "catheter:c1:main", Map.of("source", "device"));
        plain(at(1, 12, 1), "chen", "resident", "DRAFT_RESTORED", "catheter:c1:main", Map.of("source", "server"));
        plain(at(2, 12, 0), "okafor", "nurse", "DRAFT_DISCARDED", "catheter:c1:main", Map.of("source", "device"));
        commit();
        List<DayCounts> timeouts = stores.analytics().timeouts(MARCH);
        assertThat(timeouts.get(0).counts()).containsExactly(Map.entry("EXPIRED", 1L), Map.entry("IDLE_TIMEOUT", 1L),
                Map.entry("GRACE_PERIOD_EXPIRED", 1L), Map.entry("CLAIM_MISSED", 0L), Map.entry("QUEUE_PLACE_EXPIRED", 0L),
                Map.entry("ASK_UNANSWERED", 0L));
        assertThat(timeouts.get(1).counts()).containsExactly(Map.entry("EXPIRED", 0L), Map.entry("IDLE_TIMEOUT", 0L),
                Map.entry("GRACE_PERIOD_EXPIRED", 0L), Map.entry("CLAIM_MISSED", 1L), Map.entry("QUEUE_PLACE_EXPIRED", 1L),
                Map.entry("ASK_UNANSWERED", 1L));
        List<DayCounts> drafts = stores.analytics().draftRecoveries(MARCH);
        assertThat(drafts.get(0).counts()).containsExactly(Map.entry("RESTORED", 2L), Map.entry("DISCARDED", 0L));
        assertThat(drafts.get(1).counts()).containsExactly(Map.entry("RESTORED", 0L), Map.entry("DISCARDED", 1L));

        AnalyticsSummary summary = stores.analytics().summary(MARCH);
        assertThat(summary.edits()).isEqualTo(4);
        assertThat(summary.lockTimeouts()).isEqualTo(3);
        assertThat(summary.averageHoldMillis()).as("(5 + 30 + 1 + 1) min / 4").isEqualTo(Duration.ofSeconds(555).toMillis());
        assertThat(summary.draftsRestored()).isEqualTo(2);
        assertThat(summary.draftsDiscarded()).isEqualTo(1);
        assertThat(summary.recoveryRate()).isEqualTo(2.0 / 3);
    }

    @Test
    void filters_typeSectionWardUserRole_andTheWardOfRecordsThatNameTheirPatient() {
        edit(at(1, 8, 0), Duration.ofMinutes(1), "okafor", "nurse", "patient:p1:main", "RELEASED");
        edit(at(1, 8, 0), Duration.ofMinutes(2), "okafor", "nurse", "patient:p1:allergies", "RELEASED");
        edit(at(1, 8, 0), Duration.ofMinutes(3), "chen", "resident", "patient:p2:main", "RELEASED");
        edit(at(1, 8, 0), Duration.ofMinutes(4), "chen", "resident", "catheter:c1:main", "RELEASED");
        edit(at(1, 8, 0), Duration.ofMinutes(5), "sharma", "attending", "catheter_removal:r1:main", "RELEASED");
        edit(at(1, 8, 0), Duration.ofMinutes(6), "sharma", "attending", "ward_note:x:main", "RELEASED");
        commit();
        LockAnalytics a = stores.analytics();
        assertThat(a.lockDurations(MARCH).total()).isEqualTo(6);
        assertThat(a.lockDurations(MARCH.ofType("patient")).total()).isEqualTo(3);
        assertThat(a.lockDurations(MARCH.ofType("patient").ofSection("allergies")).averageMillis()).isEqualTo(minutes(2));
        assertThat(a.lockDurations(MARCH.onWard("4B")).averageMillis()).as("p1, its catheter c1, and c1's removal r1")
                .isEqualTo(minutes(1 + 2 + 4 + 5) / 4);
        assertThat(a.lockDurations(MARCH.onWard("2A")).total()).isEqualTo(1);
        assertThat(a.lockDurations(MARCH.ofUser("chen")).averageMillis()).isEqualTo(Duration.ofSeconds(210).toMillis());
        assertThat(a.lockDurations(MARCH.ofRole("attending")).total()).isEqualTo(2);
        assertThat(a.lockDurations(MARCH.ofRole("attending").onWard("4B")).total()).isEqualTo(1);
    }

    @Test
    void rangeIncludesItsStart_excludesItsEnd() {
        edit(DAY1.minus(Duration.ofMinutes(10)), Duration.ofMinutes(10), "chen", "resident", "catheter:c1:main", "RELEASED");
        edit(DAY1.plus(Duration.ofDays(7)).minus(Duration.ofMinutes(10)), Duration.ofMinutes(10), "chen", "resident", "catheter:c1:main",
                "RELEASED");
        commit();
        DurationDistribution d = stores.analytics().lockDurations(MARCH);
        assertThat(d.total()).as("the release at DAY1 counts; the one at the end does not").isEqualTo(1);
        assertThat(stores.analytics().summary(MARCH).edits()).as("only the second grant is inside").isEqualTo(1);
    }

    @Test
    void aRangeThatCutsQuarterHours_countsExactlyTheFactsInside_filteredOrNot() {
        // Whole quarter hours may be answered from a roll-up, the cut ones at the ends from single facts: both must agree.
        for (int minute = 0; minute < 60; minute += 2) {
            edit(at(1, 9, minute), Duration.ofMinutes(1), "okafor", "nurse", "catheter:c1:main", "RELEASED");
        }
        commit();
        AnalyticsQuery cut = AnalyticsQuery.between(at(1, 9, 7).plusSeconds(30), at(1, 9, 50).plusSeconds(10));
        // Releases at 9:01, 9:03, ... 9:59: those from 9:09 to 9:49 are inside (21 of them).
        assertThat(stores.analytics().lockDurations(cut).total()).isEqualTo(21);
        assertThat(stores.analytics().lockDurations(cut.ofRole("nurse")).total()).isEqualTo(21);
        assertThat(stores.analytics().summary(cut).edits()).as("grants at 9:08 ... 9:50").isEqualTo(22);
        assertThat(stores.analytics().editPatterns(cut).counts().get(0).get(9)).isEqualTo(22);
    }

    @Test
    void contentiousRecords_rankedByTotalWaitThenOverrides_overAllSections() {
        waited(at(1, 8, 0), at(1, 8, 30), "okafor", "nurse", "drug_regime:d1:main");
        waited(at(1, 9, 0), at(1, 9, 10), "chen", "resident", "drug_regime:d1:rates");
        waited(at(1, 9, 0), at(1, 9, 20), "chen", "resident", "catheter:c1:main");
        takeover(at(1, 10, 0), "johnson", "attending", "chen", "resident", at(1, 9, 20), "catheter:c1:main", "EMERGENCY", "Bleeding");
        takeover(at(1, 11, 0), "johnson", "attending", "patel", "resident", at(1, 10, 0), "patient:p1:main", "EMERGENCY", "Arrest");
        takeover(at(1, 12, 0), "johnson", "attending", "patel", "resident", at(1, 11, 30), "patient:p2:main", "FORCED", "Round");
        takeover(at(1, 12, 30), "johnson", "attending", "patel", "resident", at(1, 12, 10), "patient:p2:main", "FORCED", "Round");
        plain(at(1, 13, 0), "okafor", "nurse", "ASK_HOLDER", "patient:p2:main", Map.of("requestId", "q1"));
        commit();
        List<ContentiousRecord> top = stores.analytics().contentiousRecords(MARCH, 3);
        assertThat(top).containsExactly(
                new ContentiousRecord("drug_regime:d1", 2, minutes(40), minutes(30), 0, 0),
                new ContentiousRecord("catheter:c1", 1, minutes(20), minutes(20), 1, 0),
                new ContentiousRecord("patient:p2", 0, 0, 0, 2, 1));
        assertThat(top.get(0).resourceType()).isEqualTo("drug_regime");
        assertThat(top.get(0).recordId()).isEqualTo("d1");
    }

    @Test
    void editPatterns_perRoleAndHourOfTheAskersDay() {
        edit(at(1, 7, 50), Duration.ofMinutes(5), "okafor", "nurse", "catheter:c1:main", "RELEASED");
        edit(at(2, 7, 5), Duration.ofMinutes(5), "okafor", "nurse", "catheter:c1:main", "RELEASED");
        edit(at(2, 22, 30), Duration.ofMinutes(5), "chen", "resident", "catheter:c1:main", "RELEASED");
        commit();
        EditHeatmap utc = stores.analytics().editPatterns(MARCH);
        assertThat(utc.roles()).containsExactly("nurse", "resident");
        assertThat(utc.counts().get(0).get(7)).isEqualTo(2);
        assertThat(utc.counts().get(1).get(22)).isEqualTo(1);
        EditHeatmap berlin = stores.analytics().editPatterns(MARCH.inZone(ZoneId.of("Europe/Berlin")));
        assertThat(berlin.counts().get(0).get(8)).isEqualTo(2);
        assertThat(berlin.counts().get(1).get(23)).isEqualTo(1);
        assertThat(berlin.counts().get(0).stream().mapToLong(Long::longValue).sum()).isEqualTo(2);
    }

    // ---- seeded random histories against a plain model -------------------------------------------------------------

    @RepeatedTest(3)
    void randomHistory_everyAnswerMatchesAPlainCount(RepetitionInfo repetition) {
        long seed = 15_000L + repetition.getCurrentRepetition();
        SplittableRandom random = new SplittableRandom(seed);
        String[] users = {"okafor", "chen", "sharma", "patel"};
        String[] roles = {"nurse", "resident", "attending", "resident"};
        String[] resources = {"patient:p1:main", "patient:p2:notes", "catheter:c1:main", "drug_regime:d1:main"};
        List<Long> holds = new ArrayList<>();
        List<Long> nurseHolds = new ArrayList<>();
        List<Long> waitsDay2 = new ArrayList<>();
        long overrides = 0;
        long edits = 0;
        for (int i = 0; i < 300; i++) {
            int u = random.nextInt(users.length);
            Instant start = DAY1.plusSeconds(random.nextLong(6L * 86_400));
            long heldSeconds = 1 + random.nextLong(random.nextBoolean() ? 600 : 20_000);
            String resource = resources[random.nextInt(resources.length)];
            if (random.nextInt(5) == 0) {
                Instant joined = start.minusSeconds(1 + random.nextLong(3_000));
                waited(joined, start, users[u], roles[u], resource);
                if (LocalDate.ofInstant(start, ZoneId.of("UTC")).equals(LocalDate.of(2026, 3, 3))) {
                    waitsDay2.add(Duration.between(joined, start).toMillis());
                }
                add(start.plusSeconds(heldSeconds), users[u], roles[u], "LOCK_RELEASED", resource, "INFO", null,
                        Map.of("holder", users[u], "holderRole", roles[u], "acquiredAt", start.toString()));
            } else if (random.nextInt(10) == 0) {
                add(start, users[u], roles[u], "LOCK_ACQUIRED", resource, "INFO", null, Map.of("via", "DIRECT"));
                takeover(start.plusSeconds(heldSeconds), "johnson", "attending", users[u], roles[u], start, resource, "EMERGENCY", "why " + i);
                overrides++;
            } else {
                edit(start, Duration.ofSeconds(heldSeconds), users[u], roles[u], resource, "RELEASED");
            }
            edits++;
            holds.add(heldSeconds * 1000);
            if (roles[u].equals("nurse")) {
                nurseHolds.add(heldSeconds * 1000);
            }
        }
        commit();
        AnalyticsQuery everything = AnalyticsQuery.between(DAY1.minus(Duration.ofDays(1)), DAY1.plus(Duration.ofDays(8)));
        String why = "seed " + seed;
        DurationDistribution d = stores.analytics().lockDurations(everything);
        assertThat(d.total()).as(why).isEqualTo(holds.size());
        assertThat(d.percentileMillis(0.5)).as(why).isEqualTo(plainPercentile(holds, 0.5));
        assertThat(d.percentileMillis(0.9)).as(why).isEqualTo(plainPercentile(holds, 0.9));
        assertThat(d.averageMillis()).as(why).isEqualTo(Math.round(holds.stream().mapToLong(Long::longValue).average().orElseThrow()));
        assertThat(stores.analytics().lockDurations(everything.ofRole("nurse")).percentileMillis(0.9)).as(why)
                .isEqualTo(plainPercentile(nurseHolds, 0.9));
        DayWaits day2 = stores.analytics().queueWaits(MARCH).get(1);
        assertThat(day2.waits()).as(why).isEqualTo(waitsDay2.size());
        assertThat(day2.medianMillis()).as(why).isEqualTo(plainPercentile(waitsDay2, 0.5));
        AnalyticsSummary summary = stores.analytics().summary(everything);
        assertThat(summary.edits()).as(why).isEqualTo(edits);
        assertThat(summary.overrides()).as(why).isEqualTo(overrides);
    }

    /** The percentile as the core defines it, computed the long way: the longest value in the bucket of the rank's value. */
    private static Long plainPercentile(List<Long> values, double p) {
        if (values.isEmpty()) {
            return null;
        }
        List<Long> sorted = values.stream().sorted().toList();
        long atRank = sorted.get((int) Math.max(1, Math.ceil(p * sorted.size())) - 1);
        int bucket = DurationBuckets.of(atRank);
        return sorted.stream().filter(v -> DurationBuckets.of(v) == bucket).max(Long::compare).orElseThrow();
    }
}
