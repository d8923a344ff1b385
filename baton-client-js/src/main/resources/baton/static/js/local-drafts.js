// Drafts kept on this device: every edit is written to IndexedDB at once, so a crashed tab, a dead battery or a lost
// network loses nothing, and is encrypted so that the next person at a shared workstation can never read it.
//
//   import { LocalDrafts } from "/js/local-drafts.js";
//   const local = await LocalDrafts.open({ token: () => sessionStorage.getItem("baton.token") });
//   await local.put("patient:p-1001:main", { data: { fields }, baseVersion: 4 });
//   const draft = await local.get("patient:p-1001:main");   // {data, baseVersion, savedAt, synced} or null
//
// The key comes from the server after sign-in (GET /api/autosave/local-key: one key per user, derived there from a
// master secret) and is never stored by the browser: it lives in this page's memory as non-extractable CryptoKeys.
// From it, HKDF derives an AES-GCM key (the content) and an HMAC key (record names). A stored record is
// {id: HMAC(resourceId), owner: HMAC("owner"), iv, sealed}: another user's key neither opens it nor finds it.

const DB_NAME = "baton-local-drafts";
const STORE = "drafts";
const encoder = new TextEncoder();

export class LocalDrafts {
  /**
   * Fetches the signed-in user's key and opens the device's draft store.
   * @param {object} options
   * @param {string|function():string} options.token the JWT
   * @param {string} [options.baseUrl] the Baton origin (default: this page's)
   * @param {function} [options.fetch] fetch implementation
   * @param {IDBFactory} [options.indexedDB] (default: the browser's)
   * @param {Crypto} [options.crypto] WebCrypto (default: the browser's)
   * @param {function():Date} [options.now]
   */
  static async open(options) {
    const loc = globalThis.location;
    const baseUrl = (options.baseUrl || (loc ? loc.origin : "")).replace(/\/$/, "");
    const token = typeof options.token === "function" ? options.token() : options.token;
    const fetchImpl = options.fetch || ((...args) => globalThis.fetch(...args));
    const response = await fetchImpl(`${baseUrl}/api/autosave/local-key`, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
    if (!response.ok) throw new Error(`no local-draft key (HTTP ${response.status})`);
    const { key, userId } = JSON.parse(await response.text());
    const crypto = options.crypto || globalThis.crypto;
    const keys = await deriveKeys(crypto.subtle, fromBase64Url(key));
    const db = await openDatabase(options.indexedDB || globalThis.indexedDB);
    const drafts = new LocalDrafts(db, crypto, keys, userId, options.now || (() => new Date()));
    drafts.owner = await drafts.name("owner");
    return drafts;
  }

  constructor(db, crypto, keys, userId, now) {
    this.db = db;
    this.crypto = crypto;
    this.keys = keys;
    this.userId = userId;
    this.now = now;
  }

  /** An opaque, per-user name for a value (a resource id, or "owner"). */
  async name(value) {
    const mac = await this.crypto.subtle.sign("HMAC", this.keys.index, encoder.encode(`baton-draft:${value}`));
    return toBase64Url(new Uint8Array(mac));
  }

  /**
   * Keeps a draft (replacing the previous one of the resource); `synced` says whether the server has this
   * content too. Resolves once the write is durable (IndexedDB "strict" durability where supported).
   */
  async put(resourceId, { data, baseVersion = null, synced = false, savedAt = this.now().toISOString(), serverSavedAt = null }) {
    const iv = this.crypto.getRandomValues(new Uint8Array(12));
    const plain = encoder.encode(JSON.stringify({ resourceId, data, baseVersion, savedAt, synced, serverSavedAt }));
    const sealed = new Uint8Array(await this.crypto.subtle.encrypt({ name: "AES-GCM", iv }, this.keys.content, plain));
    const row = { id: await this.name(resourceId), owner: this.owner, iv, sealed };
    await request(this.db, "readwrite", (store) => store.put(row));
    return { resourceId, data, baseVersion, savedAt, synced, serverSavedAt };
  }

  /** This user's draft of a resource ({resourceId, data, baseVersion, savedAt, synced, serverSavedAt}) or null. */
  async get(resourceId) {
    const id = await this.name(resourceId);
    const row = await request(this.db, "readonly", (store) => store.get(id));
    return row ? this.open(row) : null;
  }

  /** Every draft of this user on this device. */
  async list() {
    const rows = await request(this.db, "readonly", (store) => store.index("owner").getAll(this.owner));
    const drafts = await Promise.all(rows.map((row) => this.open(row)));
    return drafts.filter(Boolean);
  }

  async delete(resourceId) {
    const id = await this.name(resourceId);
    await request(this.db, "readwrite", (store) => store.delete(id));
  }

  /**
   * Sign-out: sends what the server does not have yet (`send(draft)` resolves once it is saved there), then
   * removes every draft of this user from the device. A draft the server could not take stays (still encrypted,
   * unreadable to anyone else) for this user's next sign-in; the answer counts them.
   */
  async syncAndClear(send) {
    let kept = 0;
    for (const draft of await this.list()) {
      try {
        if (!draft.synced) await send(draft);
        await this.delete(draft.resourceId);
      } catch {
        kept += 1;
      }
    }
    return { kept };
  }

  /** Decrypts a row; null for a row this key cannot open (it is not ours, or it was tampered with). */
  async open(row) {
    try {
      const plain = await this.crypto.subtle.decrypt({ name: "AES-GCM", iv: row.iv }, this.keys.content, row.sealed);
      return JSON.parse(new TextDecoder().decode(plain));
    } catch {
      return null;
    }
  }

  close() {
    this.db.close();
  }
}

async function deriveKeys(subtle, raw) {
  const base = await subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  const hkdf = (info) => ({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(info) });
  const content = await subtle.deriveKey(hkdf("baton local draft content"), base, { name: "AES-GCM", length: 256 }, false,
    ["encrypt", "decrypt"]);
  const index = await subtle.deriveKey(hkdf("baton local draft index"), base, { name: "HMAC", hash: "SHA-256", length: 256 }, false,
    ["sign"]);
  raw.fill(0);
  return { content, index };
}

/**
 * Opens (creating on first use) the device's draft database. A connection closes itself when another page needs to
 * upgrade the database, and when its page goes away, so a page opening it is never blocked by an earlier one.
 */
function openDatabase(factory) {
  return new Promise((resolve, reject) => {
    const opening = factory.open(DB_NAME, 1);
    opening.onupgradeneeded = () => {
      const store = opening.result.createObjectStore(STORE, { keyPath: "id" });
      store.createIndex("owner", "owner");
    };
    opening.onsuccess = () => {
      const db = opening.result;
      db.onversionchange = () => db.close();
      globalThis.addEventListener?.("pagehide", () => db.close(), { once: true });
      resolve(db);
    };
    opening.onerror = () => reject(opening.error);
    opening.onblocked = () => console.warn("baton: the draft store waits for another tab to close it");
  });
}

/**
 * Runs one request in its own transaction; resolves with its result once the transaction is complete. `build` must
 * be synchronous: a transaction with nothing pending commits at the next await.
 */
function request(db, mode, build) {
  const tx = db.transaction(STORE, mode, mode === "readwrite" ? { durability: "strict" } : undefined);
  const req = build(tx.objectStore(STORE));
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("the draft store refused the write"));
  });
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function toBase64Url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
