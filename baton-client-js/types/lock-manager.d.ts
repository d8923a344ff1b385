// Types of lock-manager.js (the implementation stays plain JavaScript, no build step). The protocol's payloads come
// from protocol.d.ts, which is generated from Baton's AsyncAPI and OpenAPI documents.
import type { ClientEvents, Lease, PresenceUser, ProblemCode, QueuePositionData, ServerEvents, ServerEventName, SessionReadyData } from "./protocol.js";

export * from "./protocol.js";

/** A direct answer to a request: the event Baton answered with and its data. */
export interface Answer<E extends ServerEventName = ServerEventName> {
  event: E;
  data: ServerEvents[E];
}

/** What acquire (and an editor join) can answer: the lock, a queue place, a refusal with the holder, or an ask sent. */
export type AcquireAnswer = Answer<"lock:acquired"> | Answer<"lock:queued"> | Answer<"lock:denied"> | Answer<"lock:request_sent">;

/** A place in a queue, as lock:queued and queue:position last told it (claimBy while the turn is offered). */
export interface QueuePlace {
  position: number;
  estimatedWaitSeconds: number;
  claimBy?: string;
}

/** The connection states the "connection" event reports. */
export type ConnectionState = "idle" | "connecting" | "open" | "waiting" | "reconnecting" | "rest" | "closed" | "unauthenticated";

/** The events the client adds to the server's: the connection's state and this tab's lease table. */
export interface LocalEvents {
  connection: { state: ConnectionState; attempt?: number; delayMs?: number; code?: number; reason?: string; resumed?: boolean; error?: string };
  lease: { resourceId: string; lease: Lease | null; reason?: string };
}

/**
 * queue:position as the client derives it itself, from lock:queued or presence, when the server sent no queue:position
 * for the move (it carries no version).
 */
export interface DerivedQueuePosition {
  resourceId: string;
  position: number;
  estimatedWaitSeconds: number;
  derived: true;
}

/** Every event on(...) accepts, with its data. */
export type LockManagerEvents = Omit<ServerEvents, "queue:position"> & LocalEvents & {
  "queue:position": QueuePositionData | DerivedQueuePosition;
};

/** The session this tab acts as (from session:ready; over REST only the session id, once known). */
export type Session = SessionReadyData | { sessionId: string | null; userId: string | null; rest: true };

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

export interface LockManagerOptions {
  /** The user's JWT, or a function returning the current one (asked for on every connect and REST call). */
  token: string | (() => string | null | undefined);
  /** The Baton origin (default: this page's). */
  baseUrl?: string;
  /** LOCK_HEARTBEAT_INTERVAL (GET /api/client-config says), default 60. */
  heartbeatSeconds?: number;
  /** The first reconnect wait's step in ms (default 500); it doubles after each failure. */
  reconnectInitialMs?: number;
  /** The largest reconnect step in ms (default 8000); each wait is half the step fixed and half random. */
  reconnectMaxMs?: number;
  /** WebSocket failures before falling back to REST (default 3). */
  restAfterFailures?: number;
  /** How often the REST fallback polls check (default 10). */
  pollSeconds?: number;
  requestTimeoutMs?: number;
  /** A WebSocket constructor (tests inject a fake; null forces REST). */
  WebSocket?: { new (url: string): WebSocket } | null;
  fetch?: typeof fetch;
  timers?: Timers;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

/** Codes of refusals: Baton's problem codes, or the client's own DISCONNECTED, TIMEOUT and UNSUPPORTED. */
export type BatonErrorCode = ProblemCode | "DISCONNECTED" | "TIMEOUT" | "UNSUPPORTED" | (string & {});

/** A refusal from the server (or of the connection): switch on code. */
export class BatonError extends Error {
  constructor(code: BatonErrorCode, message?: string, status?: number, data?: unknown);
  readonly name: "BatonError";
  code: BatonErrorCode;
  /** The HTTP status of the refusal; 0 for the client's own. */
  status: number;
  /** The whole error event or problem document. */
  data: unknown;
}

/** Who is on each joined resource, as the client holds it (lock/presence-book.js). */
export interface PresenceBook {
  /** The users on the resource now: the editor, then the queue, then viewers. */
  list(resourceId: string): PresenceUser[];
  /** The version of the presence held, or undefined when none is held. */
  version(resourceId: string): number | undefined;
}

/** One WebSocket session per tab: presence, the editor lock, the queue, asks, takeovers and drafts. */
export class LockManager {
  constructor(options: LockManagerOptions);

  /** Subscribes to an event by its protocol name, "connection", "lease", or "*" for all; returns an unsubscribe function. */
  on<E extends keyof LockManagerEvents>(event: E, handler: (data: LockManagerEvents[E]) => void): () => void;
  on(event: "*", handler: (event: string, data: unknown) => void): () => void;

  /** The connection's state (see the "connection" event). */
  readonly state: ConnectionState;
  /** The session, once connected. */
  readonly session: Session | null;

  /** Connects (or falls back to REST); resolves with the session once the server is ready. */
  connect(): Promise<Session>;
  /** Closes the connection for good (releases nothing by itself). */
  close(): void;

  /** Sends any client event and resolves with the direct answer; rejects with BatonError on `error`. */
  send<E extends keyof ClientEvents>(event: E, data: ClientEvents[E]): Promise<Answer>;

  join(resourceId: string, mode?: "viewer" | "editor"): Promise<Answer<"ok"> | AcquireAnswer>;
  leave(resourceId: string): Promise<Answer<"ok"> | Answer<"lock:released">>;
  acquire(resourceId: string): Promise<AcquireAnswer>;
  release(resourceId: string, note?: string): Promise<Answer<"lock:released">>;
  joinQueue(resourceId: string): Promise<Answer<"lock:queued"> | Answer<"lock:acquired">>;
  leaveQueue(resourceId: string): Promise<Answer<"ok">>;
  claim(resourceId: string): Promise<Answer<"lock:acquired">>;
  askHolder(resourceId: string, message: string): Promise<Answer<"lock:request_sent">>;
  answerRequest(resourceId: string, requestId: string, approve: boolean, note?: string): Promise<Answer<"ok">>;
  takeover(resourceId: string, reason: string, emergency?: boolean): Promise<Answer<"lock:acquired"> | Answer<"lock:takeover_pending">>;
  answerTakeover(resourceId: string, approve: boolean, note?: string): Promise<Answer<"ok">>;
  /** After losing the lock (takeover, admin release): a note for whoever edits next; NOTE_NOT_ALLOWED without a lost lease. */
  leaveNote(resourceId: string, note: string): Promise<Answer<"ok">>;
  moveHere(resourceId: string): Promise<Answer<"lock:acquired">>;
  saveDraft(resourceId: string, data: Record<string, unknown>, baseVersion?: number | null): Promise<Answer<"draft:saved">>;

  /** Presence rebuilt from the full lists and deltas the server sent (the WebSocket asks for presence:delta). */
  readonly presence: PresenceBook;

  /** The lease this tab holds on the resource, or null. */
  lease(resourceId: string): Lease | null;
  /** This tab's place in the resource's queue, or null when it is not waiting. */
  place(resourceId: string): QueuePlace | null;
  /** Real user activity (typing, clicks): the next heartbeat renews the idle deadline. */
  markActivity(resourceId?: string): void;
  /** A heartbeat for every held lease now; `active` forces the activity flag ("keep editing"). */
  heartbeatNow(active?: boolean): Promise<unknown[]>;
  /** Releases held leases with navigator.sendBeacon on pagehide; returns a function that removes the listener. */
  releaseOnUnload(target?: EventTarget): () => void;
}

