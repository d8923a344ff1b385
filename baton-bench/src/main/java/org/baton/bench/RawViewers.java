package org.baton.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Many WebSocket viewers that only listen, read by one selector thread over plain sockets: the fan-out workload's
 * receiving side. Jetty's client costs the load generator more CPU per received frame than Baton spends sending it
 * (measured: 43 ms against 29 ms per change to 500 viewers), so with it the fan-out figure timed the generator. Here
 * a frame costs a header parse and a prefix compare, and no text is decoded: a viewer reports a presence message
 * ({@code {"event":"presence:...}}) when its last byte has arrived, and counts the bytes of every message.
 *
 * <p>Each viewer opens with the HTTP upgrade (token in the query, as the browser client may), joins one record as a
 * viewer and waits for the answer before the next one connects; only then do the sockets go to the selector. Pings
 * are answered; client frames are masked, as the protocol asks.
 */
final class RawViewers implements AutoCloseable {
    private static final byte[] PRESENCE = "{\"event\":\"presence:".getBytes(StandardCharsets.US_ASCII);
    private static final int OP_CONTINUATION = 0;
    private static final int OP_TEXT = 1;
    private static final int OP_CLOSE = 8;
    private static final int OP_PING = 9;

    private final List<Viewer> viewers = new ArrayList<>();
    private final Selector selector;
    private final Thread reader;
    private final IntConsumer onPresence;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong messagesIn = new AtomicLong();
    private volatile boolean running = true;

    private RawViewers(IntConsumer onPresence) throws IOException {
        this.onPresence = onPresence;
        this.selector = Selector.open();
        this.reader = new Thread(this::readAll, "bench-raw-viewers");
        this.reader.setDaemon(true);
    }

    /**
     * Connects one viewer per token to {@code ws} and joins each to {@code resourceId}; {@code onPresence} gets the
     * viewer's index, on the reader thread, for every presence message that arrives after all have joined.
     */
    static RawViewers join(URI ws, List<String> tokens, String resourceId, IntConsumer onPresence) throws IOException {
        RawViewers all = new RawViewers(onPresence);
        try {
            for (int i = 0; i < tokens.size(); i++) {
                all.viewers.add(joined(i, ws, tokens.get(i), resourceId));
            }
            for (Viewer v : all.viewers) {
                v.channel.configureBlocking(false);
                v.channel.register(all.selector, SelectionKey.OP_READ, v);
            }
        } catch (IOException | RuntimeException e) {
            all.close();
            throw e;
        }
        all.reader.start();
        return all;
    }

    /** One viewer, joined; tried again (at most 5 times) when a busy machine drops the connection attempt. */
    private static Viewer joined(int index, URI ws, String token, String resourceId) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Viewer v = null;
            try {
                v = new Viewer(index, open(ws, token));
                v.joinBlocking(resourceId);
                return v;
            } catch (IOException e) {
                if (v != null) {
                    v.channel.close();
                }
                if (attempt == 5) {
                    throw e;
                }
                try {
                    Thread.sleep(200L * attempt); // a pause before trying again, not a measurement
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while joining", interrupted);
                }
            }
        }
    }

    /** The payload bytes of every message all viewers received since they joined. */
    long bytesIn() {
        return bytesIn.get();
    }

    /** The messages all viewers received since they joined. */
    long messagesIn() {
        return messagesIn.get();
    }

    private static SocketChannel open(URI ws, String token) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(ws.getHost(), ws.getPort()));
        channel.socket().setTcpNoDelay(true);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String path = ws.getRawPath() + "?" + (ws.getRawQuery() == null ? "" : ws.getRawQuery() + "&") + "access_token=" + token;
        String upgrade = "GET " + path + " HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nOrigin: http://" + ws.getHost() + ":" + ws.getPort() + "\r\n\r\n";
        writeFully(channel, ByteBuffer.wrap(upgrade.getBytes(StandardCharsets.US_ASCII)));
        return channel;
    }

    private static void writeFully(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void readAll() {
        try {
            while (running) {
                selector.select(200);
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Viewer v = (Viewer) key.attachment();
                    if (v.fill() < 0) {
                        key.cancel();
                        continue;
                    }
                    v.frames(this);
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (running) {
                System.err.println("bench: the raw viewers' reader stopped: " + e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Viewer v : viewers) {
            try {
                v.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** One socket and what it has read but not yet parsed. */
    private static final class Viewer {
        final int index;
        final SocketChannel channel;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        boolean upgraded;
        boolean presenceMessage; // the message being received (perhaps in fragments) is a presence message
        StringBuilder text = new StringBuilder(); // while joining only: the message being received
        boolean ready;           // while joining: session:ready has arrived
        String answer;           // while joining: the answer to the join

        Viewer(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }

        int fill() throws IOException {
            if (!in.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            return channel.read(in);
        }

        /** Blocking, before the selector: the upgrade's answer, session:ready, then the answer to the join (ref "join"). */
        void joinBlocking(String resourceId) throws IOException {
            String join = "{\"event\":\"resource:join\",\"data\":{\"resourceId\":\"" + resourceId + "\",\"mode\":\"viewer\"},\"ref\":\"join\"}";
            boolean sent = false;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (fill() < 0) {
                    throw new IOException("viewer " + index + ": the server closed the connection while joining");
                }
                if (!upgraded && !upgrade()) {
                    continue;
                }
                frames(null);
                if (!sent && ready) {
                    writeFully(channel, masked(OP_TEXT, join.getBytes(StandardCharsets.UTF_8)));
                    sent = true;
                }
                if (answer != null) {
                    if (answer.startsWith("{\"event\":\"error\"")) {
                        throw new IOException("viewer " + index + ": " + answer);
                    }
                    return;
                }
            }
            throw new IOException("viewer " + index + ": no answer to resource:join in 30 s");
        }

        /** While joining: notes session:ready and the join's answer among the whole messages read. */
        private void joining(String text) {
            if (text.startsWith("{\"event\":\"session:ready\"")) {
                ready = true;
            } else if (text.endsWith(",\"ref\":\"join\"}")) {
                answer = text;
            }
        }

        /** Consumes the upgrade's answer once it is whole; false while it is not. */
        private boolean upgrade() throws IOException {
            byte[] bytes = in.array();
            for (int i = 3; i < in.position(); i++) {
                if (bytes[i - 3] == '\r' && bytes[i - 2] == '\n' && bytes[i - 1] == '\r' && bytes[i] == '\n') {
                    String head = new String(bytes, 0, i, StandardCharsets.US_ASCII);
                    if (!head.startsWith("HTTP/1.1 101")) {
                        throw new IOException("viewer " + index + ": the upgrade was refused: " + head.lines().findFirst().orElse(""));
                    }
                    in.flip().position(i + 1);
                    in.compact();
                    upgraded = true;
                    return true;
                }
            }
            return false;
        }

        /** Parses every whole frame read so far; {@code all} is null while joining (then the text is kept, not reported). */
        void frames(RawViewers all) throws IOException {
            in.flip();
            while (in.remaining() >= 2) {
                int start = in.position();
                int b0 = in.get(start) & 0xff;
                int b1 = in.get(start + 1) & 0x7f;
                int header = 2;
                long length = b1;
                if (b1 == 126) {
                    header = 4;
                    if (in.remaining() < header) {
                        break;
                    }
                    length = in.getShort(start + 2) & 0xffff;
                } else if (b1 == 127) {
                    header = 10;
                    if (in.remaining() < header) {
                        break;
                    }
                    length = in.getLong(start + 2);
                }
                if (in.remaining() < header + length) {
                    break;
                }
                int payload = start + header;
                int opcode = b0 & 0x0f;
                boolean fin = (b0 & 0x80) != 0;
                if (opcode == OP_TEXT || opcode == OP_CONTINUATION) {
                    if (opcode == OP_TEXT) {
                        presenceMessage = startsWith(in, payload, (int) length, PRESENCE);
                    }
                    if (all == null) {
                        if (opcode == OP_TEXT) {
                            text.setLength(0);
                        }
                        text.append(new String(in.array(), payload, (int) length, StandardCharsets.UTF_8));
                        if (fin) {
                            joining(text.toString());
                        }
                    } else {
                        all.bytesIn.addAndGet(length);
                        if (fin) {
                            all.messagesIn.incrementAndGet();
                            if (presenceMessage) {
                                all.onPresence.accept(index);
                            }
                        }
                    }
                } else if (opcode == OP_PING) {
                    byte[] data = new byte[(int) length];
                    in.get(payload, data);
                    writeFully(channel, masked(0x0a, data));
                } else if (opcode == OP_CLOSE) {
                    throw new IOException("viewer " + index + ": the server closed the connection");
                }
                in.position(payload + (int) length);
            }
            in.compact();
        }

        private static boolean startsWith(ByteBuffer buffer, int at, int length, byte[] prefix) {
            if (length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (buffer.get(at + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        /** A final client frame: masked, as RFC 6455 requires of clients. */
        private static ByteBuffer masked(int opcode, byte[] payload) {
            ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
            frame.put((byte) (0x80 | opcode));
            if (payload.length < 126) {
                frame.put((byte) (0x80 | payload.length));
            } else if (payload.length <= 0xffff) {
                frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
            } else {
                frame.put((byte) (0x80 | 127)).putLong(payload.length);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.put(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.put((byte) (payload[i] ^ mask[i & 3]));
            }
            return frame.flip();
        }
    }
}
