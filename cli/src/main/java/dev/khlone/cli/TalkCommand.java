package dev.khlone.cli;

import dev.khlone.protocol.crew.Who;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "talk", mixinStandardHelpOptions = true,
        description = {"Attach your terminal to a clone's own TUI, on its conversation.",
                "Its queue pauses; a running task is waited for (--now interrupts it and runs it again later).",
                "Leave with the brain's own /exit or the detach key (ctrl-] unless --detach-key or",
                "KHLONE_DETACH_KEY says otherwise); the clone goes back to its queue."})
final class TalkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ZoneOption zoneOption;

    @Parameters(arity = "0..1", paramLabel = "CLONE", converter = Clones.WhoConverter.class,
            description = "Which clone: role, role.n, @brain (default: the hero).")
    Who clone;

    @Option(names = "--who", paramLabel = "CLONE", converter = Clones.WhoConverter.class, description = "The same as CLONE.")
    Who who;

    @Option(names = "--now", description = "Interrupt the running task instead of waiting for it; it runs again after the talk.")
    boolean now;

    @Option(names = "--detach-key", paramLabel = "KEY", description = "The key that leaves the talk (default: ctrl-]).")
    String detachKey;

    private final Host host;

    TalkCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        return talk(host, zoneOption, Clones.wire(Clones.either(clone, who, "talk")), now, detachKey, spec.commandLine().getErr());
    }

    /** Shared with {@code act --talk}: checks the terminal, connects and talks. */
    static int talk(Host host, ZoneOption zoneOption, String who, boolean now, String detachKey, PrintWriter err) {
        String keyName = detachKey != null ? detachKey : host.detachKey();
        byte key = TalkSession.detachKey(keyName);
        if (!host.stdinIsTerminal() || !host.stdoutIsTerminal()) {
            throw new KhloneException(ExitCode.USAGE, "khlone talk needs a terminal: its "
                    + (!host.stdinIsTerminal() ? "stdin" : "stdout") + " is not one",
                    "run it in a terminal; scripts can use khlone watch or khlone act --await");
        }
        try (Connection c = zoneOption.connect()) {
            return TalkSession.run(c, who, now, key, keyName, host.brainEnvironment(), err, new FileInputStream(FileDescriptor.in));
        }
    }
}
