package dev.khlone.protocol.wire;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Daemon to client, answering the request whose id is {@code re}. */
public sealed interface Reply extends Message permits Reply.Welcome, Reply.ZoneStatus, Reply.Ok, Reply.Error,
        Reply.Accepted, Reply.TaskEnded, Reply.TaskReport, Reply.TaskList, Reply.DoctorReport, Reply.Watching, Reply.Talking, Reply.TriggerList, Push {
    String re();

    /** The answer to {@link Request.Hello}: the daemon's protocol, its version, and the zone it serves. */
    record Welcome(String re, int protocol, String daemon, String zone) implements Reply {
        public static final String TYPE = "welcome";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).number("protocol", protocol).string("daemon", daemon).string("zone", zone);
        }

        static Welcome read(Fields f) throws ProtocolException {
            return new Welcome(f.string("re"), f.integer("protocol"), f.string("daemon"), f.string("zone"));
        }
    }

    /** The zone as its daemon sees it: the daemon, the hero's slug, and the crew. */
    record ZoneStatus(String re, String root, String zone, long pid, long uptimeMs, String version, String hero,
                      List<CloneInfo> clones) implements Reply {
        public static final String TYPE = "zone-status";

        public ZoneStatus {
            clones = List.copyOf(clones);
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("root", root).string("zone", zone).number("pid", pid)
                    .number("uptimeMs", uptimeMs).string("version", version).string("hero", hero)
                    .list("clones", clones, CloneInfo::write);
        }

        static ZoneStatus read(Fields f) throws ProtocolException {
            List<CloneInfo> clones = new ArrayList<>();
            for (Fields c : f.list("clones")) {
                clones.add(CloneInfo.read(c));
            }
            return new ZoneStatus(f.string("re"), f.string("root"), f.string("zone"), f.number("pid"),
                    f.number("uptimeMs"), f.string("version"), f.optionalString("hero"), clones);
        }
    }

    /** A request was carried out and there is nothing more to say. */
    record Ok(String re) implements Reply {
        public static final String TYPE = "ok";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re);
        }

        static Ok read(Fields f) throws ProtocolException {
            return new Ok(f.string("re"));
        }
    }

    /**
     * A request failed. {@code code} is one of {@link ErrorCode}'s wire names; {@code re} is absent
     * when the frame was too broken to carry an id; {@code hint} says what to do, when there is a fix.
     */
    record Error(String re, String code, String message, String hint) implements Reply {
        public static final String TYPE = "error";

        public Error(String re, ErrorCode code, String message, String hint) {
            this(re, code.wire(), message, hint);
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("code", code).string("message", message).string("hint", hint);
        }

        static Error read(Fields f) throws ProtocolException {
            return new Error(f.optionalString("re"), f.string("code"), f.string("message"), f.optionalString("hint"));
        }
    }

    /** The task is queued (and journaled: it will reach an end even if the daemon dies). */
    record Accepted(String re, TaskInfo task) implements Reply {
        public static final String TYPE = "accepted";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).object("task", task, TaskInfo::write);
        }

        static Accepted read(Fields f) throws ProtocolException {
            return new Accepted(f.string("re"), TaskInfo.read(f.object("task")));
        }
    }

    /** The awaited task ended: done, failed or cancelled. */
    record TaskEnded(String re, TaskInfo task) implements Reply {
        public static final String TYPE = "task-ended";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).object("task", task, TaskInfo::write);
        }

        static TaskEnded read(Fields f) throws ProtocolException {
            return new TaskEnded(f.string("re"), TaskInfo.read(f.object("task")));
        }
    }

    /** Where one task stands now. */
    /** The answer to {@link Request.Doctor}: every brain the daemon has, and the environment its brains get now. */
    record DoctorReport(String re, List<BrainReport> brains, Map<String, String> env) implements Reply {
        public static final String TYPE = "doctor-report";

        public DoctorReport {
            brains = List.copyOf(brains);
            env = Map.copyOf(env);
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).list("brains", brains, BrainReport::write).strings("env", env);
        }

        static DoctorReport read(Fields f) throws ProtocolException {
            List<BrainReport> brains = new ArrayList<>();
            for (Fields b : f.list("brains")) {
                brains.add(BrainReport.read(b));
            }
            return new DoctorReport(f.string("re"), brains, f.stringMap("env"));
        }
    }

    /** The answer to {@link Request.Tasks}. */
    record TaskList(String re, List<TaskInfo> tasks) implements Reply {
        public static final String TYPE = "task-list";

        public TaskList {
            tasks = List.copyOf(tasks);
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).list("tasks", tasks, TaskInfo::write);
        }

        static TaskList read(Fields f) throws ProtocolException {
            List<TaskInfo> tasks = new ArrayList<>();
            for (Fields t : f.list("tasks")) {
                tasks.add(TaskInfo.read(t));
            }
            return new TaskList(f.string("re"), tasks);
        }
    }

    record TaskReport(String re, TaskInfo task) implements Reply {
        public static final String TYPE = "task-report";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).object("task", task, TaskInfo::write);
        }

        static TaskReport read(Fields f) throws ProtocolException {
            return new TaskReport(f.string("re"), TaskInfo.read(f.object("task")));
        }
    }

    /** The watch has begun; {@code interactive} when the clone shows its TUI (bytes follow), else events follow. */
    record Watching(String re, String slug, boolean interactive) implements Reply {
        public static final String TYPE = "watching";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("clone", slug).bool("interactive", interactive);
        }

        static Watching read(Fields f) throws ProtocolException {
            return new Watching(f.string("re"), f.string("clone"), f.bool("interactive", false));
        }
    }

    /** The clone's TUI is up and the connection is attached to it. */
    record Talking(String re, String slug) implements Reply {
        public static final String TYPE = "talking";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).string("clone", slug);
        }

        static Talking read(Fields f) throws ProtocolException {
            return new Talking(f.string("re"), f.string("clone"));
        }
    }

    /** The zone's triggers, in khlone.yml's order, bad ones included with what is wrong. */
    record TriggerList(String re, List<TriggerInfo> triggers) implements Reply {
        public static final String TYPE = "trigger-list";

        public TriggerList {
            triggers = List.copyOf(triggers);
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public void write(FrameWriter out) throws IOException {
            out.string("re", re).list("triggers", triggers, TriggerInfo::write);
        }

        static TriggerList read(Fields f) throws ProtocolException {
            List<TriggerInfo> triggers = new ArrayList<>();
            for (Fields t : f.list("triggers")) {
                triggers.add(TriggerInfo.read(t));
            }
            return new TriggerList(f.string("re"), triggers);
        }
    }
}
