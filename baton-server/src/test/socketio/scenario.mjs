// Drives Baton's Socket.IO endpoint with the real socket.io-client, exactly as the seed's UI code would:
// socket.emit('resource:join', ...) and socket.on('lock:acquired', ...). Prints one JSON line per step and exits
// non-zero when an expectation fails, and one {"frame": {event, data}} line per event received (the test checks each
// against the AsyncAPI document). Invoked by SocketIoCompatibilityTest with BATON_URL, ORIGIN, TOKEN_A, TOKEN_B and
// TRANSPORTS: "default" (io(url) as it comes: long-polling first, then the upgrade), "websocket" or "polling".
import { io } from "socket.io-client";

const url = process.env.BATON_URL;
const origin = process.env.ORIGIN;
const resourceId = process.env.RESOURCE_ID || "patient:sio-1";
const transports = process.env.TRANSPORTS || "default";
const deadline = setTimeout(() => fail("scenario timed out"), 15000);

function fail(why) {
  console.log(JSON.stringify({ step: "failed", why }));
  process.exit(1);
}

function connect(token) {
  // Node has no browser to add the Origin header; a browser sends its own.
  const options = { auth: { token }, extraHeaders: { Origin: origin }, reconnection: false };
  if (transports !== "default") options.transports = [transports];
  const socket = io(url, options);
  socket.onAny((event, data) => console.log(JSON.stringify({ frame: { event, data } })));
  // The transport the Engine.IO session opened on, before any upgrade (which may finish before session:ready arrives).
  socket.io.once("open", () => { socket.firstTransport = socket.io.engine.transport.name; });
  return socket;
}

/** Resolves once the client's Engine.IO session runs on a WebSocket (the default client upgrades from polling). */
function upgraded(socket) {
  return new Promise((resolve) => {
    if (socket.io.engine.transport.name === "websocket") resolve();
    else socket.io.engine.once("upgrade", () => resolve());
  });
}

function next(socket, event, predicate = () => true) {
  return new Promise((resolve) => {
    const handler = (data) => {
      if (predicate(data)) {
        socket.off(event, handler);
        resolve(data);
      }
    };
    socket.on(event, handler);
  });
}

const a = connect(process.env.TOKEN_A);
a.on("connect_error", (e) => fail("A connect_error: " + e.message));
const readyA = await next(a, "session:ready");
const firstTransport = a.firstTransport;
console.log(JSON.stringify({ step: "a-ready", sessionId: readyA.sessionId, userId: readyA.userId, transport: firstTransport }));

a.emit("resource:join", { resourceId, mode: "editor" });
const acquired = await next(a, "lock:acquired");
console.log(JSON.stringify({ step: "a-acquired", resourceId: acquired.lease.resourceId, fencingToken: acquired.lease.fencingToken }));

const b = connect(process.env.TOKEN_B);
b.on("connect_error", (e) => fail("B connect_error: " + e.message));
await next(b, "session:ready");
b.emit("resource:join", { resourceId, mode: "viewer" });
const presence = await next(b, "presence:update", (p) => p.users && p.users.length >= 2);
console.log(JSON.stringify({ step: "b-presence", users: presence.users.map((u) => ({ userId: u.userId, mode: u.mode, hasLock: u.hasLock })) }));

// An acknowledgement callback gets the direct answer as {event, data}.
const answer = await new Promise((resolve) => b.emit("lock:request", { resourceId }, resolve));
console.log(JSON.stringify({ frame: answer }));
console.log(JSON.stringify({ step: "b-request-ack", event: answer.event, position: answer.data.position }));

const handedOver = next(b, "lock:acquired");
a.emit("lock:release", { resourceId });
const bLease = await handedOver;
console.log(JSON.stringify({ step: "b-acquired", fencingToken: bLease.lease.fencingToken }));

if (transports === "default") await upgraded(a);
clearTimeout(deadline);
const finalTransports = [a.io.engine.transport.name, b.io.engine.transport.name];
a.close();
b.close();
console.log(JSON.stringify({ step: "done", firstTransport, finalTransports }));
process.exit(0);
