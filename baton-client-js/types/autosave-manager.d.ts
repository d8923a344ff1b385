// Types of autosave-manager.js (plain JavaScript, no build step); shapes from protocol.d.ts.
import type { MergeProposal, ProblemCode } from "./protocol.js";
import type { LockManager, Timers } from "./lock-manager.js";

export interface AutosaveManagerOptions {
  /** The resource the draft belongs to: type:id or type:id:section. */
  resourceId: string;
  /** The form's content, a JSON object. */
  getData: () => Record<string, unknown>;
  /** The record version the edit started from. */
  baseVersion?: () => number | null | undefined;
  /** A connected LockManager: drafts then go over its WebSocket (draft:save). */
  locks?: LockManager;
  /** The JWT, for REST (restore, delete, and saves without a socket); default: the lock manager's. */
  token?: string | (() => string | null | undefined);
  /** AUTOSAVE_INTERVAL, default 120. */
  intervalSeconds?: number;
  /** The Baton origin (default: this page's). */
  baseUrl?: string;
  fetch?: typeof fetch;
  timers?: Pick<Timers, "setInterval" | "clearInterval">;
}

/** What the "status" event reports, for the autosave indicator. */
export type AutosaveStatus =
  | { state: "unsaved" }
  | { state: "saving" }
  | { state: "saved"; savedAt: string }
  | { state: "error"; code: ProblemCode | "NETWORK" | (string & {}); message: string }
  | { state: "clean" }
  | { state: "discarded" };

/** A restored draft; `merge` is there when the record moved on since `baseVersion`. */
export interface RestoredDraft {
  resourceId: string;
  data: Record<string, unknown>;
  savedAt: string;
  baseVersion: number | null;
  currentVersion?: number;
  merge?: MergeProposal;
}

/** Keeps the user's unsaved form content as a server-side draft, every interval while there are changes and on demand. */
export class AutosaveManager {
  constructor(options: AutosaveManagerOptions);
  on(event: "status", handler: (status: AutosaveStatus) => void): () => void;
  /** Starts the periodic save; only changed content is sent. */
  start(): void;
  stop(): void;
  /** The form changed: the next periodic save sends it. */
  markDirty(): void;
  /** Saves now (one save at a time). */
  saveNow(): Promise<{ resourceId: string; savedAt: string }>;
  /** The saved draft, or null when there is none. */
  restore(): Promise<RestoredDraft | null>;
  /** Deletes the draft. */
  discard(): Promise<void>;
  /** The record was saved (the server deleted the draft with that save); nothing is pending any more. */
  saved(): void;
  readonly dirty: boolean;
  readonly lastSavedAt: string | null;
}
