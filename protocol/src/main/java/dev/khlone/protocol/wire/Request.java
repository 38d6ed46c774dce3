package dev.khlone.protocol.wire;

import dev.khlone.protocol.brain.TaskMode;
import java.io.IOException;
import java.util.Map;

/**
 * Client to daemon, one record per command. Every request carries an {@code id} that its
 * replies name in {@code re}; {@code who} is a clone as {@code --who} names it
 * ({@code [role][.n][@brain][++]}, null for the hero), {@code slug} a clone's slug (the wire's {@code clone}).
 */
public sealed interface Request extends Message {
    String id();

    <R> R accept(Visitor<R> visitor);

    /** One method per request: a new request type does not compile until every handler handles it. */
    interface Visitor<R> {
        R hello(Hello hello);

        R status(Status status);

        R stop(Stop stop);

        R submit(Submit submit);

        R await(Await await);

        R task(Task task);

        R tasks(Tasks tasks);

        R doctor(Doctor doctor);

        R cancel(Cancel cancel);

        R kill(Kill kill);

        R reboot(Reboot reboot);

        R watch(Watch watch);

        R follow(Follow follow);

        R talk(Talk talk);

        R input(Input input);

        R resize(Resize resize);

        R detach(Detach detach);

        R triggers(Triggers triggers);

        R triggerRun(TriggerRun run);
    }

    /** The first frame of every connection: the daemon answers {@link Reply.Welcome} or refuses another protocol. */
    record Hello(String id, int protocol, String client) implements Request {
        public static final String TYPE = "hello";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).number("protocol", protocol).string("client", client);
        }

        static Hello read(Fields f) throws ProtocolException {
            return new Hello(f.string("id"), f.integer("protocol"), f.string("client"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.hello(this);
        }
    }

    /** {@code khlone status}: the daemon and its crew, or the clones {@code who} names (null for all); answered by {@link Reply.ZoneStatus}. */
    record Status(String id, String who) implements Request {
        public static final String TYPE = "status";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("who", who);
        }

        static Status read(Fields f) throws ProtocolException {
            return new Status(f.string("id"), f.optionalString("who"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.status(this);
        }
    }

    /** {@code khlone daemon stop}: the daemon answers {@link Reply.Ok}, then shuts down in order and removes its socket. */
    record Stop(String id) implements Request {
        public static final String TYPE = "stop";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id);
        }

        static Stop read(Fields f) throws ProtocolException {
            return new Stop(f.string("id"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.stop(this);
        }
    }

    /**
     * {@code khlone act} and {@code ask}: queues a task for the clone {@code who} names, where
     * {@code placement} says; answered by {@link Reply.Accepted}. {@code env} is the command's
     * environment for brains ({@code Environment.forBrains}): a brain started from now on gets it.
     */
    /**
     * {@code budget}: the task's cap in dollars, null for the default of its clone's profile or the
     * zone (khlone.yml {@code budget}); a turn whose reported cost passes it fails with that reason.
     */
    record Submit(String id, TaskMode mode, String prompt, String who, Placement placement, Map<String, String> env,
                  Double budget) implements Request {
        public static final String TYPE = "submit";

        public Submit {
            env = Map.copyOf(env);
        }

        public Submit(String id, TaskMode mode, String prompt, String who, Placement placement, Map<String, String> env) {
            this(id, mode, prompt, who, placement, env, null);
        }

        public Submit(String id, TaskMode mode, String prompt, String who, Placement placement) {
            this(id, mode, prompt, who, placement, Map.of());
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).choice("mode", mode).string("prompt", prompt).string("who", who)
                    .choice("placement", placement).strings("env", env).decimal("budget", budget);
        }

        static Submit read(Fields f) throws ProtocolException {
            return new Submit(f.string("id"), f.choice(TaskMode.class, "mode"), f.string("prompt"),
                    f.optionalString("who"), f.choice(Placement.class, "placement"), f.stringMap("env"),
                    f.optionalDecimal("budget"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.submit(this);
        }
    }

    /** {@code --await}: answered by {@link Reply.TaskEnded} once the task has ended (at once if it has). */
    record Await(String id, String task) implements Request {
        public static final String TYPE = "await";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("task", task);
        }

        static Await read(Fields f) throws ProtocolException {
            return new Await(f.string("id"), f.string("task"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.await(this);
        }
    }

    /**
     * The zone's tasks, newest first: every queued and running one, and the newest {@code ended}
     * that ended; only those of the clones {@code who} names, when given.
     */
    record Tasks(String id, String who, int ended) implements Request {
        public static final String TYPE = "tasks";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("who", who).number("ended", ended);
        }

        static Tasks read(Fields f) throws ProtocolException {
            return new Tasks(f.string("id"), f.optionalString("who"), f.integer("ended"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.tasks(this);
        }
    }

    /** {@code khlone doctor}: each brain checked where the daemon would run it; answered by {@link Reply.DoctorReport}. */
    record Doctor(String id) implements Request {
        public static final String TYPE = "doctor";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id);
        }

        static Doctor read(Fields f) throws ProtocolException {
            return new Doctor(f.string("id"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.doctor(this);
        }
    }

    /** Where one task stands; answered by {@link Reply.TaskReport}. */
    record Task(String id, String task) implements Request {
        public static final String TYPE = "task";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("task", task);
        }

        static Task read(Fields f) throws ProtocolException {
            return new Task(f.string("id"), f.string("task"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.task(this);
        }
    }

    /** {@code khlone cancel}: cancels a queued or running task; answered by {@link Reply.TaskReport} of the cancelled task. */
    record Cancel(String id, String task) implements Request {
        public static final String TYPE = "cancel";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("task", task);
        }

        static Cancel read(Fields f) throws ProtocolException {
            return new Cancel(f.string("id"), f.string("task"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.cancel(this);
        }
    }

    /** {@code khlone kill}: the clone's brain ends and its queued tasks are cancelled. */
    record Kill(String id, String slug) implements Request {
        public static final String TYPE = "kill";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("clone", slug);
        }

        static Kill read(Fields f) throws ProtocolException {
            return new Kill(f.string("id"), f.string("clone"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.kill(this);
        }
    }

    /**
     * {@code khlone reboot}: restarts the clone's brain on its series, or with {@code fresh} on a new
     * one; revives a failed clone. ({@code fresh} is absent in frames of older clients: false.)
     */
    record Reboot(String id, String slug, boolean fresh, Map<String, String> env) implements Request {
        public static final String TYPE = "reboot";

        public Reboot {
            env = Map.copyOf(env);
        }

        public Reboot(String id, String slug, boolean fresh) {
            this(id, slug, fresh, Map.of());
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("clone", slug).bool("fresh", fresh).strings("env", env);
        }

        static Reboot read(Fields f) throws ProtocolException {
            return new Reboot(f.string("id"), f.string("clone"), f.bool("fresh", false), f.stringMap("env"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.reboot(this);
        }
    }

    /**
     * {@code khlone watch}: the connection becomes a live view of a clone until it closes:
     * {@link Reply.Watching}, then recent history (or the current screen) and live {@link Push.Event}s
     * ({@link Push.Output} bytes when {@code raw}, and always while a person talks to the clone).
     */
    record Watch(String id, String who, boolean raw) implements Request {
        public static final String TYPE = "watch";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("who", who).bool("raw", raw);
        }

        static Watch read(Fields f) throws ProtocolException {
            return new Watch(f.string("id"), f.optionalString("who"), f.bool("raw", false));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.watch(this);
        }
    }

    /**
     * {@code khlone top}: the connection follows the whole crew until it closes: {@link Reply.ZoneStatus}
     * of every clone, then {@link Push.CloneChanged} each time a clone changes ({@link Push.CloneLeft} when
     * one is killed). A client that reads slowly gets each clone's latest state, not every change.
     */
    record Follow(String id) implements Request {
        public static final String TYPE = "follow";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id);
        }

        static Follow read(Fields f) throws ProtocolException {
            return new Follow(f.string("id"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.follow(this);
        }
    }

    /**
     * {@code khlone talk}: attaches the connection to the clone's own TUI: the queue pauses
     * (waiting for a running task, or interrupting it when {@code now}), the clone reboots
     * interactive on its series, and {@link Push.Output} flows from {@link Reply.Talking} until {@link Push.TalkEnded}.
     */
    record Talk(String id, String who, int cols, int rows, boolean now, Map<String, String> env) implements Request {
        public static final String TYPE = "talk";

        public Talk {
            env = Map.copyOf(env);
        }

        public Talk(String id, String who, int cols, int rows, boolean now) {
            this(id, who, cols, rows, now, Map.of());
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("who", who).number("cols", cols).number("rows", rows).bool("now", now)
                    .strings("env", env);
        }

        static Talk read(Fields f) throws ProtocolException {
            return new Talk(f.string("id"), f.optionalString("who"), f.integer("cols"), f.integer("rows"),
                    f.bool("now", false), f.stringMap("env"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.talk(this);
        }
    }

    /** Keystrokes for the TUI of the talk on this connection; never answered. */
    record Input(String id, byte[] data) implements Request {
        public static final String TYPE = "input";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).bytes("data", data);
        }

        static Input read(Fields f) throws ProtocolException {
            return new Input(f.string("id"), f.bytes("data"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.input(this);
        }
    }

    /** The talker's terminal changed size; never answered. */
    record Resize(String id, int cols, int rows) implements Request {
        public static final String TYPE = "resize";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).number("cols", cols).number("rows", rows);
        }

        static Resize read(Fields f) throws ProtocolException {
            return new Resize(f.string("id"), f.integer("cols"), f.integer("rows"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.resize(this);
        }
    }

    /** Leaves the talk on this connection: the clone goes back to its queue; answered by {@link Push.TalkEnded}. */
    record Detach(String id) implements Request {
        public static final String TYPE = "detach";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id);
        }

        static Detach read(Fields f) throws ProtocolException {
            return new Detach(f.string("id"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.detach(this);
        }
    }

    /** {@code khlone triggers}: the zone's khlone.yml triggers and where each stands; answered by {@link Reply.TriggerList}. */
    record Triggers(String id) implements Request {
        public static final String TYPE = "triggers";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id);
        }

        static Triggers read(Fields f) throws ProtocolException {
            return new Triggers(f.string("id"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.triggers(this);
        }
    }

    /** {@code khlone triggers run NAME}: fires the trigger {@code name} now; answered by {@link Reply.Accepted}. */
    record TriggerRun(String id, String name) implements Request {
        public static final String TYPE = "trigger-run";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("id", id).string("name", name);
        }

        static TriggerRun read(Fields f) throws ProtocolException {
            return new TriggerRun(f.string("id"), f.string("name"));
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.triggerRun(this);
        }
    }
}
