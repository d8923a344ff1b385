package org.baton.server.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback whose server-to-client direction is a slow link: it reads a few bytes per tick from the
 * server through a socket with a tiny receive buffer, so the kernel cannot absorb what the server sends and the
 * server really meets back-pressure (over plain loopback the kernel's buffers took ~1,450 messages). Client-to-server
 * traffic passes at full speed. {@link #openUp()} makes the link fast again.
 */
final class ThrottledLink implements AutoCloseable {
    private static final int TINY_BUFFER = 2048;
    private final ServerSocket listener;
    private final int upstreamPort;
    private final int bytesPerTick;
    private final long tickMillis;
    private volatile boolean open;
    private volatile boolean closed;
    final AtomicLong delivered = new AtomicLong();

    ThrottledLink(int upstreamPort, int bytesPerTick, long tickMillis) throws IOException {
        this.upstreamPort = upstreamPort;
        this.bytesPerTick = bytesPerTick;
        this.tickMillis = tickMillis;
        listener = new ServerSocket();
        listener.setReceiveBufferSize(TINY_BUFFER);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().name("throttled-link-accept").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** From now on the link forwards at full speed. */
    void openUp() {
        open = true;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                client.setSendBufferSize(TINY_BUFFER);
                Socket server = new Socket();
                server.setReceiveBufferSize(TINY_BUFFER); // set before connecting: it fixes the window the server sees
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
                var pumping = new java.util.concurrent.CountDownLatch(2);
                Thread.ofPlatform().daemon().name("throttled-link-up").start(() -> pump(client, server, false, pumping));
                Thread.ofPlatform().daemon().name("throttled-link-down").start(() -> pump(server, client, true, pumping));
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Copies one direction. At its end of stream it half-closes the other side and only the second direction to end
     * closes both sockets: closing a socket with unread input would reset the connection and lose the last frames
     * (the close frame among them).
     */
    private void pump(Socket from, Socket to, boolean throttled, java.util.concurrent.CountDownLatch pumping) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (!closed) {
                int n = in.read(buffer, 0, throttled && !open ? bytesPerTick : buffer.length);
                if (n < 0) {
                    to.shutdownOutput();
                    break;
                }
                out.write(buffer, 0, n);
                out.flush();
                if (throttled) {
                    delivered.addAndGet(n);
                    if (!open) {
                        Thread.sleep(tickMillis); // the link's rate, not a wait for some event
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            pumping.countDown();
            if (pumping.getCount() == 0) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
