package dev.khlone.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script of khlone's commands and options.",
                "scripts/install puts the bash one where bash-completion finds it. By hand:",
                "  bash: echo 'source <(khlone completion bash)' >> ~/.bashrc",
                "  zsh:  echo 'source <(khlone completion zsh)' >> ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
    /** The shells whose completion picocli writes (one script: zsh runs it through bashcompinit). */
    enum Shell {
        bash, zsh
    }

    private final Host host;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    CompletionCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // The whole model: this command line was built with only 'completion' in it.
        out.print(AutoComplete.bash("khlone", Khlone.commandLine(new String[0], new Main.Factory(host))));
        out.print('\n'); // not println: a script with \r\n line ends fails in strange ways
        out.flush();
        return ExitCode.OK;
    }
}
