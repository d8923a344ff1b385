// Compiled (never run) by `tsc --noEmit` in the tests: the documented uses of the client type-check, through the
// package's own exports map, and the lines marked @ts-expect-error prove the types are precise (tsc fails if such a
// line compiles, so a declaration that degrades to `any` is caught).
import { BatonError, LockManager, type Lease, type ServerEvents } from "@baton/client";
import { AutosaveManager, type RestoredDraft } from "@baton/client/autosave-manager";
import type { ClientEvents, PresenceUser, ProblemCode } from "@baton/client/protocol";

export async function editRecord(render: (users: PresenceUser[]) => void): Promise<Lease | null> {
  const locks = new LockManager({ token: () => sessionStorage.getItem("baton.token"), heartbeatSeconds: 60 });
  locks.on("presence:update", ({ resourceId, users }) => {
    const id: string = resourceId;
    render(users.filter((u) => u.mode === "editor" && u.hasLock && id.length > 0));
  });
  locks.on("lock:taken_by_admin", (data) => console.log(`${data.by.name} took over: ${data.reason}`, data.draftKept ? data.draftUrl : "no draft"));
  locks.on("lock:note_left", ({ from, note, version }) => console.log(from.name, note, version + 1));
  locks.on("queue:position", (data) => console.log(data.position, "derived" in data ? "from presence" : data.version));
  // @ts-expect-error: a derived queue:position carries no version
  locks.on("queue:position", (data) => data.version + 1);
  locks.on("lock:released", (data) => console.log(data.reason === "IDLE_TIMEOUT", data.note));
  locks.on("connection", ({ state }) => console.log(state === "open"));
  locks.on("lease", ({ lease }) => console.log(lease?.fencingToken));
  locks.on("*", (event, data) => console.log(event, data));
  // @ts-expect-error: not an event of the protocol
  locks.on("lock:teleported", () => {});
  // @ts-expect-error: presence users carry `users`, not `people`
  locks.on("presence:update", ({ people }) => people);

  const session = await locks.connect();
  console.log(session.sessionId);
  await locks.join("patient:p-1001", "viewer");
  // @ts-expect-error: the mode is viewer or editor
  await locks.join("patient:p-1001", "owner");

  const answer = await locks.acquire("patient:p-1001");
  switch (answer.event) {
    case "lock:acquired": {
      const lease: Lease = { ...answer.data.lease, leaseId: answer.data.lease.leaseId ?? "" };
      const fence: number = lease.fencingToken;
      console.log(fence, answer.data.handoverNote, answer.data.yours);
      break;
    }
    case "lock:queued":
      console.log(answer.data.position + 1, answer.data.estimatedWaitSeconds);
      break;
    case "lock:denied":
      console.log(answer.data.currentHolder?.name, answer.data.code === "HELD_IN_OTHER_SESSION");
      break;
    case "lock:request_sent":
      console.log(answer.data.requestId, answer.data.expiresAt);
      break;
  }
  const noted = await locks.leaveNote("patient:p-1001", "I was mid-way through the morphine dose change");
  console.log(noted.data.version, locks.place("patient:p-1001")?.estimatedWaitSeconds);
  try {
    await locks.release("patient:p-1001", "dose change pending pharmacy check");
  } catch (e) {
    if (e instanceof BatonError && e.code === "LEASE_EXPIRED") return null;
    const known: ProblemCode = "STALE_FENCING_TOKEN";
    // @ts-expect-error: not a problem code
    const unknown: ProblemCode = "LEASE_STOLEN";
    console.log(known, unknown);
  }
  const heartbeat: ClientEvents["lock:heartbeat"] = { resourceId: "patient:p-1001", active: true };
  await locks.send("lock:heartbeat", heartbeat);
  // @ts-expect-error: lock:heartbeat needs a resourceId
  await locks.send("lock:heartbeat", { active: true });
  locks.markActivity("patient:p-1001");
  return locks.lease("patient:p-1001");
}

export async function keepDrafts(locks: LockManager, readForm: () => Record<string, unknown>): Promise<RestoredDraft | null> {
  const autosave = new AutosaveManager({ resourceId: "patient:p-1001:notes", locks, getData: () => ({ fields: readForm() }),
    baseVersion: () => 7, intervalSeconds: 120 });
  autosave.on("status", (s) => console.log(s.state === "saved" ? s.savedAt : s.state === "error" ? s.code : s.state));
  const draft = await autosave.restore();
  if (draft?.merge) {
    for (const conflict of draft.merge.conflicts) console.log(conflict.field, conflict.clinical);
  }
  // @ts-expect-error: getData is required
  new AutosaveManager({ resourceId: "patient:p-1001" });
  autosave.start();
  autosave.markDirty();
  const saved = await autosave.saveNow();
  console.log(saved.savedAt);
  return draft;
}

export const acquiredEvent: keyof ServerEvents = "lock:acquired";
