package dev.khlone.daemon;

import dev.khlone.daemon.crew.Crew;
import dev.khlone.daemon.crew.CrewException;
import dev.khlone.daemon.server.Client;
import dev.khlone.protocol.Version;
import dev.khlone.protocol.wire.Accepted;
import dev.khlone.protocol.wire.AwaitRequest;
import dev.khlone.protocol.wire.CancelRequest;
import dev.khlone.protocol.wire.DetachRequest;
import dev.khlone.protocol.wire.InputRequest;
import dev.khlone.protocol.wire.ResizeRequest;
import dev.khlone.protocol.wire.TalkRequest;
import dev.khlone.protocol.wire.WatchRequest;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.ErrorReply;
import dev.khlone.protocol.wire.Hello;
import dev.khlone.protocol.wire.KillRequest;
import dev.khlone.protocol.wire.Ok;
import dev.khlone.protocol.wire.RebootRequest;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import dev.khlone.protocol.wire.StatusRequest;
import dev.khlone.protocol.wire.StopRequest;
import dev.khlone.protocol.wire.SubmitRequest;
import dev.khlone.protocol.wire.TaskEnded;
import dev.khlone.protocol.wire.TaskQuery;
import dev.khlone.protocol.wire.TaskReport;
import dev.khlone.protocol.wire.ZoneStatus;
import java.time.Duration;
import java.time.Instant;

/** The daemon's answers to one client's requests after the handshake; one method per request type. */
final class Requests implements Request.Visitor<Reply> {
    private final ZoneDaemon daemon;
    private final Crew crew;
    private final Client client;
    /** The talk this connection holds, if any. */
    private volatile Crew.Talk talk;

    Requests(ZoneDaemon daemon, Crew crew, Client client) {
        this.daemon = daemon;
        this.crew = crew;
        this.client = client;
    }

    /** What a handler does; a {@link CrewException} becomes the error reply it describes. */
    private interface Handler {
        Reply handle() throws CrewException;
    }

    private static Reply answer(String re, Handler handler) {
        try {
            return handler.handle();
        } catch (CrewException e) {
            return e.reply(re);
        }
    }

    @Override
    public Reply hello(Hello hello) {
        return new ErrorReply(hello.id(), ErrorCode.BAD_REQUEST.wire(), "this connection has already said hello", null);
    }

    @Override
    public Reply status(StatusRequest status) {
        return answer(status.id(), () -> new ZoneStatus(status.id(), daemon.zone().root().toString(), daemon.zone().id(),
                ProcessHandle.current().pid(), Duration.between(daemon.started(), Instant.now()).toMillis(),
                Version.CURRENT, crew.hero(), crew.status(status.who())));
    }

    @Override
    public Reply stop(StopRequest stop) {
        daemon.stopSoon();
        return new Ok(stop.id());
    }

    @Override
    public Reply submit(SubmitRequest submit) {
        return answer(submit.id(), () -> new Accepted(submit.id(),
                crew.submit(submit.mode(), submit.prompt(), submit.who(), submit.first(), submit.disrupt())));
    }

    /**
     * Answers later, when the task ends; at once with an error when no end will come soon (its
     * clone failed, or its end cannot be saved); a client that leaves first stops waiting.
     */
    @Override
    public Reply await(AwaitRequest await) {
        return answer(await.id(), () -> {
            Runnable undo = crew.await(await.task(), task -> client.send(new TaskEnded(await.id(), task)),
                    not -> client.send(not.reply(await.id())));
            client.onClose(undo);
            return null;
        });
    }

    @Override
    public Reply task(TaskQuery query) {
        return answer(query.id(), () -> new TaskReport(query.id(), crew.task(query.task()).orElseThrow(() ->
                new CrewException(ErrorCode.UNKNOWN_TASK, "there is no task " + query.task(),
                        "khlone status lists the crew's tasks"))));
    }

    @Override
    public Reply cancel(CancelRequest cancel) {
        return answer(cancel.id(), () -> new TaskReport(cancel.id(), crew.cancel(cancel.task())));
    }

    @Override
    public Reply kill(KillRequest kill) {
        return answer(kill.id(), () -> {
            crew.kill(kill.slug());
            return new Ok(kill.id());
        });
    }

    /** Answers with {@link dev.khlone.protocol.wire.Watching}, then streams until the connection closes. */
    @Override
    public Reply watch(WatchRequest watch) {
        return answer(watch.id(), () -> {
            crew.watch(watch.who(), client, watch.id(), watch.raw());
            return null;
        });
    }

    /** Answers with {@link dev.khlone.protocol.wire.Talking} once attached, which may take a running task's time. */
    @Override
    public Reply talk(TalkRequest request) {
        if (talk != null) {
            return new ErrorReply(request.id(), ErrorCode.BUSY.wire(), "this connection is already talking", null);
        }
        return answer(request.id(), () -> {
            talk = crew.talk(request.who(), client, request.id(), request.cols(), request.rows(), request.now());
            return null;
        });
    }

    @Override
    public Reply input(InputRequest input) {
        Crew.Talk t = talk;
        if (t != null) {
            t.input(input.data());
        }
        return null;
    }

    @Override
    public Reply resize(ResizeRequest resize) {
        Crew.Talk t = talk;
        if (t != null) {
            t.resize(resize.cols(), resize.rows());
        }
        return null;
    }

    @Override
    public Reply detach(DetachRequest detach) {
        Crew.Talk t = talk;
        if (t == null) {
            return new ErrorReply(detach.id(), ErrorCode.BAD_REQUEST.wire(), "this connection is not talking", null);
        }
        t.detach(client);
        return null;
    }

    @Override
    public Reply reboot(RebootRequest reboot) {
        return answer(reboot.id(), () -> {
            crew.reboot(reboot.slug());
            return new Ok(reboot.id());
        });
    }
}
