package org.etab.bench.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on loopback that delays every chunk by a fixed time in each direction, like a network link with
 * that one-way latency (2 x delay per round trip). Chunks are delayed, not serialized: a pipelined stream keeps
 * its bandwidth. For benchmarks of remote datasets (this machine cannot shape loopback with tc netem).
 *
 * <p>The relay should cost the machine as little CPU as a real link costs it (none): one Netty event loop thread
 * (epoll where available, whose timers are precise to microseconds) relays every connection, chunks are
 * forwarded as the buffers they were read into (no copy), and the write of each read burst is a timer task due
 * {@code delay} after the reads. Timer tasks with equal due times run in the order they were scheduled, so a stream
 * stays in order.
 * Backpressure: while a side cannot take more writes, the other side is not read.
 *
 * <pre>java -cp ... org.etab.bench.net.LatencyProxy LISTEN_PORT TARGET_PORT ONE_WAY_MILLIS</pre>
 */
public final class LatencyProxy implements AutoCloseable {
    /** Reads of 64 KiB from the start (up to 256 KiB): bulk transfers in few chunks. */
    private static final AdaptiveRecvByteBufAllocator READS =
            new AdaptiveRecvByteBufAllocator(4096, 64 * 1024, 256 * 1024);

    private final EventLoopGroup loop;
    private final Channel server;
    private final boolean epoll;

    public LatencyProxy(int listenPort, int targetPort, double oneWayMillis) throws InterruptedException {
        if (oneWayMillis < 0) {
            throw new IllegalArgumentException("ONE_WAY_MILLIS >= 0 required but was " + oneWayMillis);
        }
        long delayNanos = (long) (oneWayMillis * 1e6);
        this.epoll = Epoll.isAvailable();
        this.loop = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerChannel> serverType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> clientType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.server = new ServerBootstrap()
                .group(loop)
                .channel(serverType)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.AUTO_READ, false) // not before the upstream connection is up
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, READS)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel client) {
                        new Bootstrap()
                                .group(client.eventLoop()) // both ends of a connection on the one thread: no locks
                                .channel(clientType)
                                .option(ChannelOption.TCP_NODELAY, true)
                                .option(ChannelOption.AUTO_READ, false)
                                .option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                                .handler(new DelayedForward(client, delayNanos))
                                .connect(new InetSocketAddress(loopback, targetPort))
                                .addListener((ChannelFutureListener) f -> {
                                    if (!f.isSuccess()) {
                                        System.err.println("latency proxy: upstream " + f.cause());
                                        client.close();
                                        return;
                                    }
                                    client.pipeline().addLast(new DelayedForward(f.channel(), delayNanos));
                                    client.config().setAutoRead(true);
                                    f.channel().config().setAutoRead(true);
                                });
                    }
                })
                .bind(new InetSocketAddress(loopback, listenPort))
                .sync()
                .channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Whether the relay runs on Linux's epoll (microsecond timers) rather than Java NIO (millisecond timers). */
    public boolean epoll() {
        return epoll;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * Forwards what its channel reads to {@code peer} {@code delayNanos} later; the end likewise. The chunks of one
     * read burst (all that one readiness event read) go out as one write, as a NIC's receive coalescing would hand
     * them on, rather than as one timer and one wake-up of the receiver per chunk.
     */
    private static final class DelayedForward extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final long delayNanos;
        private List<Object> burst = new ArrayList<>();

        DelayedForward(Channel peer, long delayNanos) {
            this.peer = peer;
            this.delayNanos = delayNanos;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object chunk) {
            burst.add(chunk);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (burst.isEmpty()) {
                return;
            }
            List<Object> chunks = burst;
            burst = new ArrayList<>();
            Channel self = ctx.channel();
            ctx.executor()
                    .schedule(
                            () -> {
                                if (!peer.isActive()) {
                                    chunks.forEach(ReferenceCountUtil::release);
                                    return;
                                }
                                chunks.forEach(peer::write);
                                peer.flush();
                                if (!peer.isWritable()) {
                                    self.config().setAutoRead(false); // resumed by the peer's handler when it drains
                                }
                            },
                            delayNanos,
                            TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // this channel drained (or filled): read from the side that writes into it accordingly
            peer.config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            channelReadComplete(ctx); // a last burst without its read-complete
            ctx.executor()
                    .schedule(
                            () -> peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE),
                            delayNanos,
                            TimeUnit.NANOSECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset: the peer hears of it after the delay, from channelInactive
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LatencyProxy LISTEN_PORT TARGET_PORT ONE_WAY_MILLIS");
            System.exit(2);
        }
        try (LatencyProxy p =
                new LatencyProxy(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Double.parseDouble(args[2]))) {
            System.err.printf(
                    "latency proxy: 127.0.0.1:%d -> 127.0.0.1:%s, %s ms each way (%s)%n",
                    p.port(), args[1], args[2], p.epoll() ? "epoll" : "nio");
            Thread.currentThread().join();
        }
    }
}
