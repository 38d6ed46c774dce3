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
    void unknownCommandsAndOptionsAreUsageErrors() {
        Cli.Run r = khlone("frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'");
        Cli.Run opt = khlone("status", "--colour");
        assertThat(opt.exitCode()).isEqualTo(2);
        assertThat(opt.err()).contains("Unknown option: '--colour'");
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
        assertThat(Render.cost(3)).isEqualTo("$3.0000");
    }
}
