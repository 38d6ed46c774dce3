package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing, help and usage errors, in this JVM: none of these reach a daemon. */
class CommandLineTest {
    @TempDir
    Path tmp;

    Cli.Run khlone(String... args) {
        return new Cli(tmp).raw(args);
    }

    @Test
    void everyCommandHasHelp() {
        for (List<String> command : List.<List<String>>of(List.of(), List.of("act"), List.of("ask"),
                List.of("status"), List.of("log"), List.of("cancel"), List.of("kill"), List.of("reboot"),
                List.of("version"), List.of("daemon"),
                List.of("daemon", "start"), List.of("daemon", "stop"), List.of("daemon", "restart"),
                List.of("daemon", "status"), List.of("daemon", "run"))) {
            List<String> withHelp = new ArrayList<>(command);
            withHelp.add("--help");
            String[] args = withHelp.toArray(new String[0]);
            Cli.Run r = khlone(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).contains("Usage: khlone" + (command.isEmpty() ? "" : " " + String.join(" ", command)));
        }
    }

    @Test
    void theRootHelpListsTheCommandsAndTheExitCodes() {
        Cli.Run r = khlone("--help");
        assertThat(r.out()).contains("act").contains("ask").contains("status").contains("log").contains("cancel")
                .contains("kill").contains("reboot").contains("daemon").contains("version")
                .contains("Exit codes:").contains("3  the zone daemon could not be reached or started");
    }

    @Test
    void versionIsPrinted() {
        assertThat(khlone("version").out()).matches("khlone \\S+ \\(protocol " + dev.khlone.protocol.wire.Protocol.VERSION + "\\)\\s*");
        assertThat(khlone("--version").out()).isEqualTo(khlone("version").out());
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        Cli.Run r = khlone();
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: khlone");
        Cli.Run daemon = khlone("daemon");
        assertThat(daemon.exitCode()).isEqualTo(2);
        assertThat(daemon.err()).contains("Usage: khlone daemon").contains("start").contains("stop");
    }

    @Test
    void unknownCommandsAndOptionsAreOneLineErrorsWithWhatWasMeant() {
        assertThat(khlone("frobnicate")).isEqualTo(usageError("unknown command 'frobnicate'", "khlone --help lists the commands"));
        assertThat(khlone("stauts")).isEqualTo(usageError("unknown command 'stauts'",
                "did you mean 'khlone status'? khlone --help lists the commands"));
        assertThat(khlone("daemon", "strat")).isEqualTo(usageError("unknown command 'strat' for khlone daemon",
                "did you mean 'khlone daemon start'? khlone daemon --help lists them"));
        assertThat(khlone("status", "--jsn")).isEqualTo(usageError("unknown option '--jsn' for khlone status",
                "did you mean --json? khlone status --help lists its options"));
        assertThat(khlone("status", "--colour=always")).isEqualTo(usageError("unknown option '--colour' for khlone status",
                "khlone status --help lists its options"));
        assertThat(khlone("daemon", "status", "extra")).isEqualTo(usageError(
                "unexpected argument 'extra' for khlone daemon status", "khlone daemon status --help says what it takes"));
    }

    @Test
    void anUnknownCommandIsAnErrorWhateverFollowsIt() {
        assertThat(khlone("nosuch", "--help")).isEqualTo(usageError("unknown command 'nosuch'", "khlone --help lists the commands"));
        assertThat(khlone("stat", "--version")).isEqualTo(usageError("unknown command 'stat'",
                "did you mean 'khlone status'? khlone --help lists the commands"));
    }

    @Test
    void badValuesSayWhatWasWrongWithoutTheWholeUsage() {
        Cli.Run r = khlone("act", "--when", "sometimes", "x");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).isEqualTo("khlone: invalid value for option '--when': expected one of [queue, disrupt]"
                + " (case-sensitive) but was 'sometimes'" + NL + "  hint: see khlone act --help" + NL);
        assertThat(khlone("cancel")).isEqualTo(usageError("missing required parameter: 'TASK'", "see khlone cancel --help"));
        assertThat(khlone("status", "--zone")).isEqualTo(usageError("missing required parameter for option '--zone' (PATH|@BRANCH)",
                "see khlone status --help"));
    }

    @Test
    void theDaemonsHelpSaysAllOfEachCommandsFirstLine() {
        String help = khlone("daemon", "--help").out();
        assertThat(help).contains("restart    Stop the zone's daemon if it runs, then start it again.")
                .contains("run        Serve the zone in the foreground, logging to stderr.")
                .contains("install    Start the zone's daemon at login, and again after a failure.")
                .contains("uninstall  Stop starting the zone's daemon at login.").contains("Examples:");
    }

    private static final String NL = System.lineSeparator();

    private static Cli.Run usageError(String message, String hint) {
        return new Cli.Run(ExitCode.USAGE, "", "khlone: " + message + NL + "  hint: " + hint + NL);
    }

    @Test
    void aZoneThatDoesNotExistIsAUsageError() {
        Cli.Run r = khlone("daemon", "status", "--zone", "/no/such/dir");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("khlone: --zone /no/such/dir: zone root /no/such/dir is not a directory"
                + System.lineSeparator() + "  hint: name an existing directory" + System.lineSeparator());
    }

    @Test
    void durationsReadLikeAPersonWouldSayThem() {
        assertThat(Render.duration(42_000)).isEqualTo("42s");
        assertThat(Render.duration(192_000)).isEqualTo("3m 12s");
        assertThat(Render.duration(7_500_000)).isEqualTo("2h 5m");
        assertThat(Render.duration(356_400_000)).isEqualTo("4d 3h");
    }

    @Test
    void tokensAndCostsReadShort() {
        assertThat(Render.tokens(980)).isEqualTo("980");
        assertThat(Render.tokens(12_345)).isEqualTo("12.3k");
        assertThat(Render.tokens(4_560_000)).isEqualTo("4.6M");
        assertThat(Render.count(1_234_567)).isEqualTo("1,234,567");
        assertThat(Render.cost(0.0125)).isEqualTo("$0.0125");
        assertThat(Render.cost(3.0)).isEqualTo("$3.0000");
    }
}
