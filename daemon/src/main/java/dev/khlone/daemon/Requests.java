package dev.khlone.daemon;

import dev.khlone.daemon.server.Client;
import dev.khlone.protocol.Version;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.ErrorReply;
import dev.khlone.protocol.wire.Hello;
import dev.khlone.protocol.wire.Ok;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.StatusRequest;
import dev.khlone.protocol.wire.StopRequest;
import dev.khlone.protocol.wire.ZoneStatus;
import java.time.Duration;
import java.time.Instant;

/** The daemon's answers to one client's requests after the handshake; one method per request type. */
final class Requests implements Request.Visitor<Reply> {
    private final ZoneDaemon daemon;
    private final Client client;

    Requests(ZoneDaemon daemon, Client client) {
        this.daemon = daemon;
        this.client = client;
    }

    @Override
    public Reply hello(Hello hello) {
        return new ErrorReply(hello.id(), ErrorCode.BAD_REQUEST.wire(), "this connection has already said hello", null);
    }

    @Override
    public Reply status(StatusRequest status) {
        return new ZoneStatus(status.id(), daemon.zone().root().toString(), daemon.zone().id(),
                ProcessHandle.current().pid(), Duration.between(daemon.started(), Instant.now()).toMillis(),
                Version.CURRENT, null, java.util.List.of());
    }

    @Override
    public Reply stop(StopRequest stop) {
        daemon.stopSoon();
        return new Ok(stop.id());
    }
}
