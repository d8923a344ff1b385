// Baton's wire protocol as TypeScript declarations, generated from the AsyncAPI and OpenAPI documents
// (baton-server/src/main/resources/baton/api/) by ProtocolTypesTest. Do not edit: change the documents,
// run the test, and copy the file it writes (it says where).

/** The client's correlation id; every direct answer carries the request's ref. */
export type Ref = string;

export interface AuthData {
  token: string;
  /** Resume this session (its leases are kept for the disconnect grace). */
  sessionId?: string;
}

export interface ResourceJoinData {
  resourceId: ResourceIdInput;
  mode?: "viewer" | "editor";
}

export interface ResourceLeaveData {
  resourceId: ResourceIdInput;
}

export interface LockRequestData {
  resourceId: ResourceIdInput;
}

export interface LockReleaseData {
  resourceId: ResourceIdInput;
  /** May be omitted: the session's own lease is meant. */
  leaseId?: string;
  note?: string;
}

export interface LockHeartbeatData {
  resourceId: ResourceIdInput;
  active?: boolean;
  leaseId?: string;
}

export interface QueueJoinData {
  resourceId: ResourceIdInput;
}

export interface QueueLeaveData {
  resourceId: ResourceIdInput;
}

export interface LockClaimData {
  resourceId: ResourceIdInput;
}

export interface LockMoveHereData {
  resourceId: ResourceIdInput;
}

export interface LockAskHolderData {
  resourceId: ResourceIdInput;
  message: string;
}

export interface LockAnswerRequestData {
  resourceId: ResourceIdInput;
  requestId: string;
  approve: boolean;
  note?: string;
}

export interface LockTakeoverData {
  resourceId: ResourceIdInput;
  /** Required (REASON_REQUIRED) unless FORCE_UNLOCK_REQUIRES_REASON=false. */
  reason?: string;
  emergency?: boolean;
}

export interface LockTakeoverAnswerData {
  resourceId: ResourceIdInput;
  approve: boolean;
  note?: string;
}

export interface LockLeaveNoteData {
  resourceId: ResourceIdInput;
  /** The lease the caller lost. */
  leaseId: string;
  note: string;
}

export interface PresenceGetData {
  resourceId: ResourceIdInput;
}

export interface DraftSaveData {
  resourceId: ResourceIdInput;
  data: Record<string, unknown>;
  baseVersion?: number | null;
}

export interface SessionReadyData {
  /** Send it back (?sessionId= or auth.sessionId) to resume this session after a reconnect. */
  sessionId: string;
  userId: string;
  name: string;
  roles: string[];
  tokenExpiresAt: Instant;
}

export interface OkData {
  resourceId: ResourceId;
  version: Version;
}

export interface LockAcquiredData {
  resourceId: ResourceId;
  lease: LeaseView;
  via?: AcquiredVia;
  /** The lease is this session's; only then does it carry leaseId. */
  yours: boolean;
  handoverNote?: string;
  version: Version;
}

export interface LockExtendedData {
  resourceId: ResourceId;
  lease: Lease;
  version: Version;
}

export interface LockReleasedData {
  resourceId: ResourceId;
  reason: ReleaseReason;
  holder?: Person;
  fencingToken?: number;
  /** The handover note. */
  note?: string;
  by?: Person;
  byReason?: string;
  version: Version;
}

export interface LockDeniedData {
  resourceId: ResourceId;
  code: "LOCK_HELD" | "HELD_IN_OTHER_SESSION";
  message: string;
  status: number;
  currentHolder?: Holder;
  expiresAt?: Instant;
  ref?: Ref;
  version: Version;
}

export interface LockQueuedData {
  resourceId: ResourceId;
  position: number;
  estimatedWaitSeconds: number;
  version: Version;
}

export interface LockYourTurnData {
  resourceId: ResourceId;
  claimBy: Instant;
  version: Version;
}

export interface LockTurnMissedData {
  resourceId: ResourceId;
  version: Version;
}

export interface LockExpiringData {
  resourceId: ResourceId;
  idleExpiresAt: Instant;
  version: Version;
}

export interface LockHolderDisconnectedData {
  resourceId: ResourceId;
  holder: Person;
  graceEndsAt: Instant;
  version: Version;
}

export interface LockHolderResumedData {
  resourceId: ResourceId;
  holder: Person;
  version: Version;
}

export interface LockRequestReceivedData {
  resourceId: ResourceId;
  requestId: string;
  from: Person;
  message: string | null;
  expiresAt: Instant;
  version: Version;
}

export interface LockRequestAnsweredData {
  resourceId: ResourceId;
  requestId: string;
  approved: boolean;
  timedOut: boolean;
  version: Version;
}

export interface LockRequestSentData {
  resourceId: ResourceId;
  requestId: string;
  expiresAt: Instant;
  version: Version;
}

export interface LockTakeoverRequestedData {
  resourceId: ResourceId;
  from: Person;
  /** Empty when none was given (FORCE_UNLOCK_REQUIRES_REASON=false). */
  reason: string;
  autoForceAt: Instant;
  version: Version;
}

export interface LockTakeoverPendingData {
  resourceId: ResourceId;
  autoForceAt: Instant;
  version: Version;
}

export interface LockTakeoverDeniedData {
  resourceId: ResourceId;
  holder: Person;
  version: Version;
}

/** What is true when the lock was taken: whether the displaced editor's draft is on the server (then when it was saved, how old it is, and where to restore it). Save what is newer now: draft:save needs no lease. */
export interface LockTakenByAdminData {
  resourceId: ResourceId;
  by: Person;
  /** Empty when none was given (FORCE_UNLOCK_REQUIRES_REASON=false). */
  reason: string;
  emergency: boolean;
  /** A draft of yours is on the server at this moment. */
  draftKept: boolean;
  /** With draftKept: when the draft was saved. */
  draftSavedAt?: Instant;
  /** With draftKept: how old the draft was at the takeover. */
  draftAgeSeconds?: number;
  /** With draftKept: GET it to restore the draft. */
  draftUrl?: string;
  version: Version;
}

export interface LockDisplacedDraftData {
  resourceId: ResourceId;
  /** Whose unsaved work it is (the draft stays theirs). */
  owner: Person;
  /** Their draft is on the server at this moment. */
  draftKept: boolean;
  /** With draftKept: when it was saved. */
  draftSavedAt?: Instant;
  /** With draftKept: how old it was when this was sent. */
  draftAgeSeconds?: number;
}

export interface LockNoteLeftData {
  resourceId: ResourceId;
  version: Version;
  /** The editor who lost the lock. */
  from: Person;
  note: string;
}

export interface PresenceUpdateData {
  resourceId: ResourceId;
  users: PresenceUser[];
  version: Version;
}

export interface PresenceDeltaData {
  resourceId: ResourceId;
  version: Version;
  /** The version of the presence this delta changes: the last version at which presence changed before this one, as this server knows it. */
  baseVersion: number;
  /** People who arrived (new keys). */
  added: PresenceUser[];
  /** Keys of people who left. */
  removed: string[];
  /** People still there whose entry changed (mode, hasLock, lockExpiresAt...), whole. */
  changed: PresenceUser[];
}

export interface QueueLeftData {
  resourceId: ResourceId;
  version: Version;
  /** LEFT (queue:leave, resource:leave), GRACE_PERIOD_EXPIRED (the connection stayed down past LOCK_GRACE_PERIOD), EXPIRED (the place was older than QUEUE_TIMEOUT). */
  reason: "LEFT" | "GRACE_PERIOD_EXPIRED" | "EXPIRED";
}

export interface QueuePositionData {
  resourceId: ResourceId;
  version: Version;
  /** 1 is next; 0 while a turn is being offered to you. */
  position: number;
  /** The moving average hold time of this record times the place in line. */
  estimatedWaitSeconds: number;
}

export interface NotificationData {
  id: number;
  type: string;
  resourceId: string;
  message: string;
  at: Instant;
  read: boolean;
}

/** A nudge to refresh the dashboard (GET /api/admin/locks); it carries no version. */
export interface AdminLockChangedData {
  resourceId: ResourceId;
  change: 
    | "acquired"
    | "released"
    | "queued"
    | "left_queue"
    | "taken_over"
    | "admin_released"
    | "takeover_requested";
}

export interface AdminAlertData {
  kind: AlertKind;
  resourceId?: string | null;
  message: string;
  at: Instant;
}

export interface DraftSavedData {
  resourceId: ResourceId;
  savedAt: Instant;
}

export interface ErrorData {
  code: ProblemCode;
  message: string;
  /** The HTTP status the same refusal has over REST. */
  status: number;
  ref?: Ref;
  /** When the lock rules refused a request about this resource. */
  resourceId?: ResourceId;
  /** With resourceId: the resource's version at the refusal. */
  version?: Version;
  /** A lock refusal while someone holds it. */
  currentHolder?: Holder;
  /** With currentHolder: when their lease runs out unless renewed. */
  expiresAt?: Instant;
  holder?: Holder;
  /** DUPLICATE_FIELD: the member named twice. */
  field?: string;
  /** RATE_LIMITED: when to try again. */
  retryAfterSeconds?: number;
}

/** type:id:child, always three parts in answers (a two-part id means type:id:main). */
export type ResourceId = string;

/** type:id or type:id:child as a client sends it; type:id means type:id:main. */
export type ResourceIdInput = string;

/** An ISO-8601 UTC time. */
export type Instant = string;

/** Grows with every change of the resource's lock state, so a client can drop an event older than one it has seen. */
export type Version = number;

/** A user as others see them. */
export interface Person {
  userId: string;
  name: string;
  /** The first role of the user's token (attending, resident, nurse, admin, ...), or 'user'. */
  role: string;
}

/** A lease as everyone joined to the resource sees it; only the holder's own copy carries leaseId. */
export interface LeaseView {
  resourceId: ResourceId;
  /** The holder's secret: send it with extend, release and guarded saves. */
  leaseId?: string;
  /** Strictly increases per resource, across restarts. */
  fencingToken: number;
  holder: Person;
  acquiredAt: Instant;
  /** Liveness deadline, renewed by every heartbeat (BATON_LEASE_TTL). */
  expiresAt: Instant;
  /** Activity deadline, renewed only by heartbeats with active=true (LOCK_TIMEOUT). */
  idleExpiresAt: Instant;
}

/** The editor lock of one resource, as its holder sees it. */
export type Lease = LeaseView & Required<Pick<LeaseView, "leaseId">>;

/** Who holds a lock, as refusals and checks show it (never with the lease id). */
export interface Holder {
  userId: string;
  name: string;
  role: string;
  since: Instant;
  lastActivityAt: Instant;
  expiresAt: Instant;
  idleExpiresAt: Instant;
  /** False while the holder is in the disconnect grace. */
  connected: boolean;
}

export interface PresenceUser {
  userId: string;
  name: string;
  role: string;
  /** Only on connections that asked for presence:delta (/ws?presence=delta): names this entry (one session: two tabs of one user are two entries) in presence:delta; an opaque digest, stable while the session is on the resource. */
  key?: string;
  mode: "editor" | "viewer" | "queued";
  hasLock: boolean;
  lockExpiresAt?: Instant;
}

export interface QueueEntry {
  userId: string;
  name: string;
  role: string;
  position: number;
  joinedAt: Instant;
  connected: boolean;
}

/** How a lease was granted. */
export type AcquiredVia = 
  | "DIRECT"
  | "QUEUE_AUTO_ACQUIRE"
  | "CLAIM"
  | "ASK_APPROVED"
  | "TAKEOVER_APPROVED"
  | "TAKEOVER_FORCED"
  | "EMERGENCY"
  | "MOVED";

/** Why a lease ended. */
export type ReleaseReason = 
  | "RELEASED"
  | "EXPIRED"
  | "IDLE_TIMEOUT"
  | "DISCONNECT"
  | "GRACE_PERIOD_EXPIRED"
  | "TAKEOVER"
  | "ADMIN_RELEASE"
  | "MOVED";

/** Field name to value, as the record type declares them (GET /api/record-types). */
export type RecordFields = Record<string, unknown>;

/** One version of a record. */
export interface StoredRecord {
  id: string;
  type: string;
  /** Also sent as the strong ETag "<version>". */
  version: number;
  fields: RecordFields;
  updatedAt: Instant;
  updatedBy: string;
  /** The fencing token of the lease that wrote this version. */
  fencingToken?: number;
  /** The resource whose lease guarded that save. */
  lockResource?: string;
}

/** A field the user must decide; values are as in base, in the user's edit (mine) and in the current record (theirs); null means empty. */
export interface FieldConflict {
  field: string;
  base?: unknown;
  mine?: unknown;
  theirs?: unknown;
  /** Clinically significant: never merged automatically, even without a conflict. */
  clinical: boolean;
}

/** A field-level three-way merge; save `merged` (after the user settles `conflicts`) with If-Match theirsVersion. */
export interface MergeProposal {
  baseVersion: number;
  theirsVersion: number;
  merged: RecordFields;
  applied: string[];
  conflicts: FieldConflict[];
}

export interface Notification {
  id: number;
  /** lock_acquired, lock_released, lock_available, lock_override, lock_expiring, takeover_requested, ... */
  type: string;
  resourceId: string;
  message: string;
  at: Instant;
  read: boolean;
}

/** LOCK_HELD_LONG (held 1 h or more), LOCK_IDLE (holder idle 15 min or more), QUEUE_LONG (10 or more waiting), OVERRIDE_BURST (3 or more overrides in 10 min). */
export type AlertKind = "LOCK_HELD_LONG" | "LOCK_IDLE" | "QUEUE_LONG" | "OVERRIDE_BURST";

/** The stable, machine-readable name of a refusal. Switch on it; never on the human `detail`. New codes may be added: treat an unknown one by its HTTP status. */
export type ProblemCode = 
  | "LOCK_HELD"
  | "HELD_IN_OTHER_SESSION"
  | "NOT_LOCK_HOLDER"
  | "LEASE_EXPIRED"
  | "STALE_FENCING_TOKEN"
  | "MAX_LOCKS_EXCEEDED"
  | "QUEUE_FULL"
  | "QUEUE_DISABLED"
  | "ALREADY_QUEUED"
  | "NOT_IN_QUEUE"
  | "NO_TURN"
  | "VIEWER_LIMIT"
  | "FORBIDDEN_ROLE"
  | "REASON_REQUIRED"
  | "TAKEOVER_DISABLED"
  | "TAKEOVER_PENDING"
  | "NO_TAKEOVER_PENDING"
  | "NO_SUCH_REQUEST"
  | "REQUEST_PENDING"
  | "NOT_HELD"
  | "MESSAGE_TOO_LONG"
  | "MAX_QUEUES_EXCEEDED"
  | "UNKNOWN_RESOURCE_TYPE"
  | "UNKNOWN_SECTION"
  | "NOTE_NOT_ALLOWED"
  | "NOTE_REQUIRED"
  | "INVALID_JSON"
  | "INVALID_FIELD"
  | "INVALID_RESOURCE_ID"
  | "DUPLICATE_FIELD"
  | "INVALID_MESSAGE"
  | "UNKNOWN_EVENT"
  | "UNKNOWN_DEMO_USER"
  | "UNKNOWN_SESSION"
  | "UNSUPPORTED_TRANSPORT"
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "ORIGIN_REFUSED"
  | "NOT_FOUND"
  | "RECORD_NOT_FOUND"
  | "UNKNOWN_RECORD_TYPE"
  | "DRAFT_NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "RECORD_EXISTS"
  | "AUTOSAVE_DISABLED"
  | "VERSION_CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PRECONDITION_REQUIRED"
  | "RATE_LIMITED"
  | "TOO_MANY_CONNECTIONS"
  | "INTERNAL"
  | "LOCKS_DISABLED"
  | "STORE_UNAVAILABLE"
  | "STORAGE_FULL"
  | "KEYS_UNAVAILABLE"
  | "STOPPING";

export interface FieldError {
  field: string;
  problem: string;
}

/** An RFC 9457 problem document; extension members depend on the code. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  /** A human sentence; never switch on it. */
  detail: string;
  /** LOCK_HELD, HELD_IN_OTHER_SESSION and other lock refusals: who holds it. */
  holder?: Holder;
  /** VERSION_CONFLICT: the record as it is now. */
  current?: StoredRecord;
  /** VERSION_CONFLICT: the proposed merge of your edit. */
  merge?: MergeProposal;
  /** INVALID_FIELD on records: every field at fault. */
  errors?: FieldError[];
  /** DUPLICATE_FIELD: the member named twice. */
  field?: string;
  recordType?: string;
  resourceId?: ResourceId;
  /** INTERNAL: the id the server log repeats. */
  incident?: string;
}

/** Every event Baton sends, by name, to its data. */
export interface ServerEvents {
  "session:ready": SessionReadyData;
  "ok": OkData;
  "lock:acquired": LockAcquiredData;
  "lock:extended": LockExtendedData;
  "lock:released": LockReleasedData;
  "lock:denied": LockDeniedData;
  "lock:queued": LockQueuedData;
  "lock:your_turn": LockYourTurnData;
  "lock:turn_missed": LockTurnMissedData;
  "lock:expiring": LockExpiringData;
  "lock:holder_disconnected": LockHolderDisconnectedData;
  "lock:holder_resumed": LockHolderResumedData;
  "lock:request_received": LockRequestReceivedData;
  "lock:request_answered": LockRequestAnsweredData;
  "lock:request_sent": LockRequestSentData;
  "lock:takeover_requested": LockTakeoverRequestedData;
  "lock:takeover_pending": LockTakeoverPendingData;
  "lock:takeover_denied": LockTakeoverDeniedData;
  "lock:taken_by_admin": LockTakenByAdminData;
  "lock:displaced_draft": LockDisplacedDraftData;
  "lock:note_left": LockNoteLeftData;
  "presence:update": PresenceUpdateData;
  "presence:delta": PresenceDeltaData;
  "queue:position": QueuePositionData;
  "queue:left": QueueLeftData;
  "notification": NotificationData;
  "admin:lock_changed": AdminLockChangedData;
  "admin:alert": AdminAlertData;
  "draft:saved": DraftSavedData;
  "error": ErrorData;
}

/** Every event a client may send, by name, to its data. */
export interface ClientEvents {
  "auth": AuthData;
  "resource:join": ResourceJoinData;
  "resource:leave": ResourceLeaveData;
  "lock:request": LockRequestData;
  "lock:release": LockReleaseData;
  "lock:heartbeat": LockHeartbeatData;
  "queue:join": QueueJoinData;
  "queue:leave": QueueLeaveData;
  "lock:claim": LockClaimData;
  "lock:move_here": LockMoveHereData;
  "lock:ask_holder": LockAskHolderData;
  "lock:answer_request": LockAnswerRequestData;
  "lock:takeover": LockTakeoverData;
  "lock:takeover_answer": LockTakeoverAnswerData;
  "lock:leave_note": LockLeaveNoteData;
  "presence:get": PresenceGetData;
  "draft:save": DraftSaveData;
}

/** One WebSocket message: {event, data, ref?}; a direct answer carries its request's ref. */
export interface Envelope<E extends string = string, D = unknown> {
  event: E;
  data: D;
  ref?: string;
}

export type ServerEventName = keyof ServerEvents;
export type ClientEventName = keyof ClientEvents;
