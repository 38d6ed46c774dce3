package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code khlone completion} and the man pages: both come from the model --help is made of. */
class CompletionTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path tmp;

    @Test
    void theBashScriptCompletesEveryCommandAndItsOptions() {
        Cli.Run r = new Cli(tmp).raw("completion", "bash");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_khlone")
                .contains("act", "ask", "watch", "talk", "status", "tasks", "log", "cancel", "kill", "reboot", "daemon")
                .contains("--json", "--who", "--since", "--prioritize").doesNotContain("\r").doesNotContain("man-pages");
        assertThat(new Cli(tmp).raw("completion", "zsh").out()).isEqualTo(r.out());
    }

    @Test
    void anotherShellIsAUsageError() {
        assertThat(new Cli(tmp).raw("completion", "fish").err()).isEqualTo("khlone: invalid value for positional parameter"
                + " at index 0 (SHELL): expected one of [bash, zsh] (case-sensitive) but was 'fish'" + NL
                + "  hint: see khlone completion --help" + NL);
    }

    @Test
    void everyCommandHasAManPageThatGroffReadsWithoutAWarning() throws Exception {
        Path dir = tmp.resolve("man1");
        Cli.Run r = new Cli(tmp).raw("man-pages", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> pages;
        try (Stream<Path> files = Files.list(dir)) {
            pages = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(pages).contains("khlone.1", "khlone-act.1", "khlone-status.1", "khlone-tasks.1", "khlone-log.1",
                "khlone-daemon.1", "khlone-daemon-stop.1", "khlone-completion.1").doesNotContain("khlone-man-pages.1");
        for (String page : pages) {
            Process groff = new ProcessBuilder("groff", "-k", "-man", "-Tutf8", "-ww", "-z", dir.resolve(page).toString())
                    .redirectErrorStream(true).start();
            String warnings = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(groff.waitFor()).as(page + ": " + warnings).isZero();
            assertThat(warnings).as(page).isEmpty();
        }
        String status = render(dir.resolve("khlone-status.1"));
        assertThat(status).contains("NAME", "khlone-status - Show the zone, its daemon and its crew, or one task.",
                "SYNOPSIS", "OPTIONS", "--json", "Print one JSON object, for scripts.", "SEE ALSO", "khlone(1)");
        assertThat(render(dir.resolve("khlone.1"))).contains("COMMANDS", "EXAMPLES", "khlone log -f");
    }

    @Test
    void anUnwritableDirectoryIsAClearError() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Cli.Run r = new Cli(tmp).raw("man-pages", file.resolve("man1").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(r.err()).startsWith("khlone: cannot write the man pages to " + file.resolve("man1"));
    }

    /** The page as man shows it, in plain text. */
    private static String render(Path page) throws Exception {
        List<String> command = new ArrayList<>(List.of("groff", "-k", "-man", "-Tutf8", "-P", "-cbou", page.toString()));
        Process groff = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        groff.waitFor();
        return text.replaceAll("\\s+", " ").replace("‐ ", "").replace("‐", "-");
    }
}
