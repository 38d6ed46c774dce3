package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** talk's refusals, which come before any terminal or daemon is touched; the talk itself is tested in tmux. */
class TalkTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
    }

    @Test
    void aDetachKeyThatIsNotAControlKeyIsAUsageError() {
        Cli.Run r = cli.run("talk", "--detach-key", "q");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("khlone: 'q' is not a detach key" + NL
                + "  hint: name a control key: ctrl-] (the default), ctrl-q, ctrl-\\\\, ..." + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void talkWithoutATerminalIsAUsageError() {
        Cli.Run r = cli.run("talk");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("khlone: khlone talk needs a terminal: its stdout is not one" + NL);
        Cli.Run piped = cli.stdin("keys").run("talk");
        assertThat(piped.err()).startsWith("khlone: khlone talk needs a terminal: its stdin is not one" + NL);
        assertThat(cli.untouched()).isTrue();
    }

    @Test
    void aCloneThatIsNotOneIsAUsageError() {
        Cli.Run r = cli.run("talk", "Foreman");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("khlone: talk Foreman: 'Foreman' is not a clone");
        assertThat(cli.untouched()).isTrue();
    }
}
