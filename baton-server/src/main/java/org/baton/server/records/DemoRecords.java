package org.baton.server.records;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.baton.core.record.RecordStore;
import org.baton.core.record.VersionedRecord;

/** Sample APS records for the demo: a few patients with catheters, regimes, outcomes and a removal. Fictional people. */
public final class DemoRecords {
    private DemoRecords() {
    }

    /** Seeds the demo records when the store has no patients yet; returns how many it created. */
    public static int seedIfEmpty(RecordStore store, InstantSource clock) {
        if (store.count("patient") > 0) {
            return 0;
        }
        Instant now = clock.instant();
        String day = now.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.HOURS).toString();
        int created = 0;
        created += put(store, now, "patient", "p-1001", "mrn", "MRN-483920", "name", "Eleanor Whitfield", "date_of_birth", "1956-03-14",
                "ward", "Surgical 4B", "bed", "12", "diagnosis", "Open right hemicolectomy", "weight_kg", 68.0,
                "allergies", "Penicillin", "allergy_reactions", "Rash", "care_notes", "Day 1 post-op, mobilising with assistance.",
                "pain_plan", "Thoracic epidural; wean day 3.");
        created += put(store, now, "patient", "p-1002", "mrn", "MRN-559201", "name", "Tomasz Kowalczyk", "date_of_birth", "1971-11-02",
                "ward", "Orthopaedics 2A", "bed", "3", "diagnosis", "Left total knee replacement", "weight_kg", 91.5,
                "allergies", "None known", "care_notes", "Adductor canal catheter in situ.", "pain_plan", "Regional + oral multimodal.");
        created += put(store, now, "patient", "p-1003", "mrn", "MRN-610447", "name", "Amara Nwosu", "date_of_birth", "1988-06-21",
                "ward", "Maternity 1", "bed", "7", "diagnosis", "Caesarean section", "weight_kg", 74.0,
                "allergies", "Latex", "allergy_reactions", "Urticaria", "pain_plan", "Intrathecal morphine, then oral.");
        created += put(store, now, "catheter", "c-2001", "patient_id", "p-1001", "catheter_type", "epidural", "site", "T8-9", "side", "midline",
                "depth_cm", 11.0, "inserted_at", day, "inserted_by", "Dr. Priya Sharma", "status", "active");
        created += put(store, now, "catheter", "c-2002", "patient_id", "p-1002", "catheter_type", "peripheral nerve", "site", "Adductor canal",
                "side", "left", "depth_cm", 6.5, "inserted_at", day, "inserted_by", "Dr. Alan Johnson", "status", "active");
        created += put(store, now, "drug_regime", "d-3001", "patient_id", "p-1001", "catheter_id", "c-2001", "drug", "Bupivacaine + fentanyl",
                "concentration", "0.1% + 2 mcg/ml", "route", "epidural", "rate_ml_h", 8.0, "bolus_ml", 3.0, "lockout_min", 20L,
                "started_at", day, "prescriber", "Dr. Priya Sharma");
        created += put(store, now, "drug_regime", "d-3002", "patient_id", "p-1002", "catheter_id", "c-2002", "drug", "Ropivacaine",
                "concentration", "0.2%", "route", "perineural", "rate_ml_h", 6.0, "started_at", day, "prescriber", "Dr. Alan Johnson");
        created += put(store, now, "functional_outcome", "f-4001", "patient_id", "p-1001", "assessed_at", day, "pain_at_rest", 2L,
                "pain_on_movement", 5L, "sedation", "0", "nausea", false, "motor_block", "0", "mobilised", true);
        created += put(store, now, "catheter_removal", "r-5001", "catheter_id", "c-1999", "removed_at", day, "removed_by", "Nurse Grace Okafor",
                "tip_intact", true, "reason", "end of therapy");
        return created;
    }

    private static int put(RecordStore store, Instant now, String type, String id, Object... pairs) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((String) pairs[i], pairs[i + 1]);
        }
        return store.create(new VersionedRecord(type, id, 1, fields, now, "demo", null, null), RecordStore.SaveAudit.NONE) ? 1 : 0;
    }
}
