package org.baton.server.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.baton.server.auth.Identity;
import org.baton.server.http.ApiException;
import org.baton.server.http.Json;
import org.baton.server.session.Outbound;
import org.baton.server.session.Outlet;

/**
 * Socket.IO v4 packets (Engine.IO protocol 4), default namespace only, text packets only — over a WebSocket, or over
 * HTTP long-polling ({@link EngineIoPolling}) with the upgrade to a WebSocket.
 *
 * <p>The server opens with an Engine.IO {@code open} packet, pings every {@value #PING_INTERVAL_MS} ms and closes a
 * client that does not answer within {@value #PING_TIMEOUT_MS} ms. The client's CONNECT packet carries the token
 * as {@code auth: {token, sessionId?}} (or the first request had {@code ?access_token=}); an EVENT
 * {@code ["lock:request", {...}]} becomes the same command as Baton's envelope, its ack id becomes the
 * {@code ref}, and the answer arrives both as the event (for {@code socket.on} listeners) and as the
 * acknowledgement {@code [{event, data}]} (for {@code emit} callbacks).
 */
final class SocketIoFraming implements Framing {
    static final long PING_INTERVAL_MS = 25_000;
    static final long PING_TIMEOUT_MS = 20_000;

    private final ScheduledExecutorService scheduler;

    SocketIoFraming(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Outlet outlet(FrameSocket socket, boolean presenceDeltas, int maxQueued) {
        return new SocketIoOutlet(new EnvelopeOutlet(socket, maxQueued), java.util.UUID.randomUUID().toString());
    }

    @Override
    public void opened(Connection connection) {
        SocketIoOutlet outlet = (SocketIoOutlet) connection.outlet();
        outlet.sendRaw(openPacket(outlet, false));
        startPinging(outlet);
    }

    /** Engine.IO's open packet: the session id, whether it may upgrade to a WebSocket, and the ping timing. */
    static String openPacket(SocketIoOutlet outlet, boolean canUpgrade) {
        return "0" + Json.write(Map.of(
                "sid", outlet.engineId,
                "upgrades", canUpgrade ? new String[] {"websocket"} : new String[0],
                "pingInterval", PING_INTERVAL_MS,
                "pingTimeout", PING_TIMEOUT_MS,
                "maxPayload", 1_000_000));
    }

    /** Pings every interval, on whatever transport the session uses, and closes it when pongs stop. */
    void startPinging(SocketIoOutlet outlet) {
        outlet.pinger = scheduler.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - outlet.lastPongNanos > TimeUnit.MILLISECONDS.toNanos(PING_INTERVAL_MS + PING_TIMEOUT_MS)) {
                outlet.close(1000, "ping timeout");
            } else {
                outlet.sendRaw("2");
            }
        }, PING_INTERVAL_MS, PING_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void closed(Connection connection) {
        ScheduledFuture<?> pinger = ((SocketIoOutlet) connection.outlet()).pinger;
        if (pinger != null) {
            pinger.cancel(false);
        }
    }

    @Override
    public void receive(Connection connection, String text) {
        SocketIoOutlet outlet = (SocketIoOutlet) connection.outlet();
        if (text.isEmpty()) {
            return;
        }
        switch (text.charAt(0)) {
            case '3' -> outlet.lastPongNanos = System.nanoTime();
            case '2' -> outlet.sendRaw("3" + text.substring(1));
            case '1' -> outlet.close(1000, "client closed");
            case '4' -> receivePacket(connection, outlet, text.substring(1));
            default -> connection.receive(text, t -> {
                throw ApiException.badRequest("INVALID_MESSAGE", "Unknown Engine.IO packet type.");
            });
        }
    }

    private void receivePacket(Connection connection, SocketIoOutlet outlet, String packet) {
        if (packet.isEmpty()) {
            return;
        }
        char type = packet.charAt(0);
        int i = 1;
        if (i < packet.length() && packet.charAt(i) == '/') {
            int comma = packet.indexOf(',', i);
            String namespace = comma < 0 ? packet.substring(i) : packet.substring(i, comma);
            if (!namespace.equals("/")) {
                outlet.sendRaw("44" + namespace + "," + Json.write(Map.of("message", "Baton serves the default namespace only.")));
                return;
            }
            i = comma < 0 ? packet.length() : comma + 1;
        }
        int idStart = i;
        while (i < packet.length() && Character.isDigit(packet.charAt(i)) && i - idStart < 18) {
            i++;
        }
        String ackId = i > idStart ? packet.substring(idStart, i) : null;
        String payload = packet.substring(i);
        switch (type) {
            case '0' -> connect(connection, outlet, payload);
            case '1' -> outlet.close(1000, "client disconnected");
            case '2' -> connection.receive(payload, p -> event(p, ackId));
            default -> connection.receive(payload, p -> {
                throw ApiException.badRequest("INVALID_MESSAGE", "Binary and acknowledgement packets from clients are not supported.");
            });
        }
    }

    private void connect(Connection connection, SocketIoOutlet outlet, String payload) {
        JsonNode auth = payload.isEmpty() ? JsonNodeFactory.instance.objectNode() : Json.readTree(payload);
        String token = auth.path("token").asText(null);
        String sessionId = auth.path("sessionId").asText(connection.requestedSessionId());
        try {
            Identity identity = token != null ? connection.verify(token) : connection.upgradeIdentity();
            if (identity == null) {
                throw ApiException.of(401, "UNAUTHENTICATED", "Pass the token as io(url, {auth: {token}}).");
            }
            outlet.sendRaw("40" + Json.write(Map.of("sid", outlet.engineId)));
            connection.guard(new String[1], () -> connection.bind(identity, sessionId));
        } catch (ApiException e) {
            outlet.sendRaw("44" + Json.write(Map.of("message", e.problem().detail(), "data", Map.of("code", e.problem().code()))));
        }
    }

    private static Envelope event(String payload, String ackId) {
        JsonNode array = Json.readTree(payload);
        if (!array.isArray() || array.isEmpty() || !array.get(0).isTextual()) {
            throw ApiException.badRequest("INVALID_MESSAGE", "An event packet is [\"event\", data].");
        }
        var envelope = JsonNodeFactory.instance.objectNode();
        envelope.set("event", array.get(0));
        envelope.set("data", array.size() > 1 ? array.get(1) : JsonNodeFactory.instance.objectNode());
        if (ackId != null) {
            envelope.put("ref", ackId);
        }
        return Envelope.parse(envelope.toString());
    }

    /**
     * Frames messages as Socket.IO EVENT (and ACK) packets inside Engine.IO message packets, on the session's
     * current transport; {@link #moveTo} switches it (the upgrade from polling), keeping the order of packets.
     */
    static final class SocketIoOutlet implements Outlet {
        final String engineId;
        private TextChannel channel;
        volatile long lastPongNanos = System.nanoTime();
        volatile ScheduledFuture<?> pinger;

        SocketIoOutlet(TextChannel channel, String engineId) {
            this.channel = channel;
            this.engineId = engineId;
        }

        synchronized void sendRaw(String text) {
            channel.sendText(text);
        }

        /** The session continues on {@code next}: what the old transport still held goes first. */
        synchronized void moveTo(TextChannel next, List<String> pending) {
            pending.forEach(next::sendText);
            channel = next;
        }

        synchronized TextChannel channel() {
            return channel;
        }

        @Override
        public void send(Outbound message) {
            String event = Json.write(message.event());
            String ref = message.ref();
            synchronized (this) {
                sendRaw("42[" + event + "," + message.dataJson() + "]");
                if (ref != null && !ref.isEmpty() && ref.chars().allMatch(Character::isDigit)) {
                    sendRaw("43" + ref + "[{\"event\":" + event + ",\"data\":" + message.dataJson() + "}]");
                }
            }
        }

        @Override
        public void close(int code, String reason) {
            channel().close(code, reason);
        }

        @Override
        public boolean isOpen() {
            return channel().isOpen();
        }
    }
}
