package dev.khlone.daemon;

import dev.khlone.daemon.crew.Crew;
import dev.khlone.daemon.crew.CrewException;
import dev.khlone.daemon.server.Client;
import dev.khlone.protocol.Version;
import dev.khlone.protocol.wire.CloneInfo;
import dev.khlone.protocol.wire.ErrorCode;
import dev.khlone.protocol.wire.Reply;
import dev.khlone.protocol.wire.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
    public Reply hello(Request.Hello hello) {
        return new Reply.Error(hello.id(), ErrorCode.BAD_REQUEST, "this connection has already said hello", null);
    }

    @Override
    public Reply status(Request.Status status) {
        return answer(status.id(), () -> zoneStatus(status.id(), crew.status(status.who())));
    }

    private Reply.ZoneStatus zoneStatus(String re, List<CloneInfo> clones) {
        return new Reply.ZoneStatus(re, daemon.zone().root().toString(), daemon.zone().id(), ProcessHandle.current().pid(),
                Duration.between(daemon.started(), Instant.now()).toMillis(), Version.CURRENT, crew.hero(), clones);
    }

    @Override
    public Reply stop(Request.Stop stop) {
        daemon.stopSoon();
        return new Reply.Ok(stop.id());
    }

    @Override
    public Reply submit(Request.Submit submit) {
        crew.environment(submit.env());
        return answer(submit.id(), () -> new Reply.Accepted(submit.id(),
                crew.submit(submit.mode(), submit.prompt(), submit.who(), submit.placement(), submit.budget(), null)));
    }

    /**
     * Answers later, when the task ends; at once with an error when no end will come soon (its
     * clone failed, or its end cannot be saved); a client that leaves first stops waiting.
     */
    @Override
    public Reply await(Request.Await await) {
        return answer(await.id(), () -> {
            Runnable undo = crew.await(await.task(), task -> client.send(new Reply.TaskEnded(await.id(), task)),
                    not -> client.send(not.reply(await.id())));
            client.onClose(undo);
            return null;
        });
    }

    @Override
    public Reply task(Request.Task query) {
        return answer(query.id(), () -> new Reply.TaskReport(query.id(), crew.task(query.task()).orElseThrow(() ->
                new CrewException(ErrorCode.UNKNOWN_TASK, "there is no task " + query.task(),
                        "khlone tasks lists the zone's tasks"))));
    }

    /** Runs each brain's {@code --version}: seconds, on this client's own thread. */
    @Override
    public Reply doctor(Request.Doctor doctor) {
        return answer(doctor.id(), () -> new Reply.DoctorReport(doctor.id(), crew.doctor(), crew.environment()));
    }

    @Override
    public Reply tasks(Request.Tasks query) {
        return answer(query.id(), () -> new Reply.TaskList(query.id(), crew.tasks(query.who(), query.ended())));
    }

    @Override
    public Reply cancel(Request.Cancel cancel) {
        return answer(cancel.id(), () -> new Reply.TaskReport(cancel.id(), crew.cancel(cancel.task())));
    }

    @Override
    public Reply kill(Request.Kill kill) {
        return answer(kill.id(), () -> {
            crew.kill(kill.slug());
            return new Reply.Ok(kill.id());
        });
    }

    /** Answers with {@link Reply.Watching}, then streams until the connection closes. */
    @Override
    public Reply watch(Request.Watch watch) {
        return answer(watch.id(), () -> {
            crew.watch(watch.who(), client, watch.id(), watch.raw());
            return null;
        });
    }

    /** Answers with the zone's status, then pushes each clone's changes until the connection closes. */
    @Override
    public Reply follow(Request.Follow follow) {
        crew.follow(client, follow.id(), clones -> zoneStatus(follow.id(), clones));
        return null;
    }

    /** Answers with {@link Reply.Talking} once attached, which may take a running task's time. */
    @Override
    public Reply talk(Request.Talk request) {
        if (talk != null) {
            return new Reply.Error(request.id(), ErrorCode.BUSY, "this connection is already talking", null);
        }
        return answer(request.id(), () -> {
            crew.environment(request.env());
            talk = crew.talk(request.who(), client, request.id(), request.cols(), request.rows(), request.now());
            return null;
        });
    }

    @Override
    public Reply input(Request.Input input) {
        Crew.Talk t = talk;
        if (t != null) {
            t.input(input.data());
        }
        return null;
    }

    @Override
    public Reply resize(Request.Resize resize) {
        Crew.Talk t = talk;
        if (t != null) {
            t.resize(resize.cols(), resize.rows());
        }
        return null;
    }

    @Override
    public Reply detach(Request.Detach detach) {
        Crew.Talk t = talk;
        if (t == null) {
            return new Reply.Error(detach.id(), ErrorCode.BAD_REQUEST, "this connection is not talking", null);
        }
        t.detach(client);
        return null;
    }

    @Override
    public Reply reboot(Request.Reboot reboot) {
        return answer(reboot.id(), () -> {
            crew.environment(reboot.env());
            crew.reboot(reboot.slug(), reboot.fresh());
            return new Reply.Ok(reboot.id());
        });
    }

    @Override
    public Reply triggers(Request.Triggers query) {
        return answer(query.id(), () -> new Reply.TriggerList(query.id(), daemon.triggers().list()));
    }

    @Override
    public Reply triggerRun(Request.TriggerRun run) {
        return answer(run.id(), () -> new Reply.Accepted(run.id(), daemon.triggers().run(run.name())));
    }
}
