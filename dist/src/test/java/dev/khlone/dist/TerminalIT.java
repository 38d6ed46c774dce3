package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.Tmux;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a person sees of khlone's own conventions in a real terminal (tmux): completion and colour. */
class TerminalIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    KhloneHarness khlone;
    Tmux tmux;
    Path dir;

    @BeforeEach
    void setUp() {
        khlone = new KhloneHarness();
        tmux = new Tmux(khlone.root());
        dir = khlone.newDirectory("zone");
    }

    @AfterEach
    void tearDown() {
        tmux.close();
        khlone.close();
    }

    private Map<String, String> shell(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(khlone.env());
        env.put("PATH", khlone.launcher().getParent() + ":" + System.getenv("PATH"));
        env.put("TERM", "xterm-256color");
        env.put("LANG", "C.UTF-8");
        env.putAll(extra);
        return env;
    }

    @Test
    void tabCompletesCommandsSubcommandsAndOptionsInBash() {
        tmux.open("bash", 120, 30, dir, shell(Map.of()));
        tmux.run("bash", "source <(khlone completion bash) && echo COMPLETION-$((40+2))");
        tmux.awaitScreen("bash", "COMPLETION-42", WAIT);
        tmux.type("bash", "khlone st");
        tmux.keys("bash", "Tab");
        tmux.awaitScreen("bash", "$ khlone status", WAIT);
        tmux.type("bash", "--js");
        tmux.keys("bash", "Tab");
        tmux.awaitScreen("bash", "$ khlone status --json", WAIT);
        tmux.keys("bash", "C-u");
        tmux.type("bash", "khlone daemon re");
        tmux.keys("bash", "Tab");
        tmux.awaitScreen("bash", "$ khlone daemon restart", WAIT);
    }

    @Test
    void errorsAreRedAtATerminalAndPlainUnderNoColor() {
        tmux.open("colour", 120, 30, dir, shell(Map.of()));
        tmux.run("colour", "khlone stauts; echo DONE-$((40+2))");
        tmux.awaitScreen("colour", "DONE-42", WAIT);
        String coloured = tmux.screenWithEscapes("colour");
        assertThat(coloured).contains("\u001b[1m\u001b[31mkhlone:").contains("did you mean 'khlone status'?");
        tmux.open("plain", 120, 30, dir, shell(Map.of("NO_COLOR", "1")));
        tmux.run("plain", "khlone stauts; echo DONE-$((40+2))");
        tmux.awaitScreen("plain", "DONE-42", WAIT);
        assertThat(tmux.screenWithEscapes("plain")).contains("khlone: unknown command 'stauts'").doesNotContain("\u001b[");
    }
}
