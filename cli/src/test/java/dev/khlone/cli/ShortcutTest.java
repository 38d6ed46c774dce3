package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The picocli-free way into {@code status} reads every line it takes as picocli does, and leaves the rest to picocli. */
class ShortcutTest {
    @TempDir
    Path tmp;

    @Test
    void everyStatusLineTheShortcutTakesIsReadAsPicocliReadsIt() {
        List<String[]> lines = List.of(
                new String[] {"status"},
                new String[] {"status", "--json"},
                new String[] {"status", "--zone", "/tmp/a b"},
                new String[] {"status", "--zone=/srv/x", "--json"},
                new String[] {"status", "--zone="},
                new String[] {"status", "--who", "mechanic.2@codex"},
                new String[] {"status", "--who=@claude", "--zone", "rel/dir"},
                new String[] {"status", "--task", "t-3f9a", "--json"},
                new String[] {"status", "--task="},
                new String[] {"status", "--json", "--task", "t-1", "--who", "scout"},
                new String[] {"status", "mechanic.1"},
                new String[] {"status", "--json", "scout@codex", "--zone", "/z"});
        for (String[] line : lines) {
            StatusCommand quick = Shortcut.status(line, host());
            assertThat(quick).as(Arrays.toString(line)).isNotNull();
            StatusCommand picked = viaPicocli(line);
            assertThat(List.of(quick.json, String.valueOf(quick.who), String.valueOf(quick.clone), String.valueOf(quick.task),
                    String.valueOf(quick.zoneOption.root)))
                    .as(Arrays.toString(line))
                    .isEqualTo(List.of(picked.json, String.valueOf(picked.who), String.valueOf(picked.clone), String.valueOf(picked.task),
                            String.valueOf(picked.zoneOption.root)));
        }
    }

    @Test
    void helpErrorsAndAnythingUnusualAreLeftToPicocli() {
        List<String[]> lines = List.of(
                new String[] {},
                new String[] {"stat"},
                new String[] {"status", "--help"},
                new String[] {"status", "-h"},
                new String[] {"status", "--jsn"},
                new String[] {"status", "--json=true"},
                new String[] {"status", "--json", "--json"},
                new String[] {"status", "--zone", "/a", "--zone=/b"},
                new String[] {"status", "--zone"},
                new String[] {"status", "--zone", "--json"},
                new String[] {"status", "--who", "no such clone!"},
                new String[] {"status", "one.1", "two.1"},
                new String[] {"status", "Not A Clone"},
                new String[] {"status", "--", "--json"},
                new String[] {"act", "--json"});
        for (String[] line : lines) {
            assertThat(Shortcut.status(line, host())).as(Arrays.toString(line)).isNull();
        }
    }

    @Test
    void aLineTheShortcutLeavesGetsPicocliUsageErrorAndHelp() {
        Cli cli = new Cli(tmp);
        Cli.Run misspelt = cli.raw("status", "--jsn");
        assertThat(misspelt.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(misspelt.err()).contains("--jsn");
        Cli.Run help = cli.raw("status", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--task", "--who", "--zone", "--json");
    }

    private StatusCommand viaPicocli(String[] line) {
        CommandLine.ParseResult parsed = Khlone.commandLine(line, new Main.Factory(host())).parseArgs(line);
        return (StatusCommand) parsed.subcommand().commandSpec().userObject();
    }

    private Host host() {
        return new Cli(tmp).host();
    }
}
