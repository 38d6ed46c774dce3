package dev.khlone.cli;

import dev.khlone.protocol.zone.Zone;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Stop the zone's daemon and remove the worktree of @BRANCH (the branch itself stays).",
                "Refuses a worktree with uncommitted changes, or commits on no other branch nor remote,",
                "unless --force. Its transcripts stay readable: khlone log --zone @BRANCH."})
final class ZoneRmCommand implements Callable<Integer> {
    private final Host host;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "@BRANCH", description = "The branch whose worktree to remove, e.g. @feat/auth.")
    String target;

    @Option(names = "--force", description = "Remove it even with uncommitted changes or commits found nowhere else.")
    boolean force;

    ZoneRmCommand(Host host) {
        this.host = host;
    }

    @Override
    public Integer call() {
        if (!target.startsWith("@")) {
            throw new KhloneException(ExitCode.USAGE, "zone rm takes @BRANCH, not '" + target + "'",
                    "e.g. khlone zone rm @feat/auth; khlone zones lists the zones");
        }
        String branch = target.substring(1);
        Worktrees worktrees = new Worktrees(Path.of("").toAbsolutePath());
        worktrees.checkName(branch);
        List<Worktrees.Worktree> all = worktrees.list();
        Worktrees.Worktree worktree = all.stream().filter(w -> branch.equals(w.branch())).findFirst()
                .orElseThrow(() -> new KhloneException(ExitCode.FAILED, "branch " + branch + " has no worktree",
                        "khlone zones lists the zones"));
        Path path = worktree.path();
        if (path.equals(all.get(0).path())) {
            throw new KhloneException(ExitCode.USAGE, path + " is the repository's main worktree: zone rm removes only"
                    + " the worktrees of other branches", "khlone daemon stop --zone " + path + " stops its daemon");
        }
        if (!force) {
            String changes = Worktrees.git(path, "status", "--porcelain").strip();
            if (!changes.isEmpty()) {
                throw new KhloneException(ExitCode.FAILED, path + " has uncommitted changes (" + changes.lines().count()
                        + " files)", "commit or stash them, or khlone zone rm --force " + target + " to lose them");
            }
            // --exclude takes the branch's short name: --branches matches names without refs/heads/
            String only = Worktrees.git(path, "rev-list", "--count", "HEAD", "--not", "--exclude=" + branch,
                    "--branches", "--remotes").strip();
            if (!only.equals("0")) {
                throw new KhloneException(ExitCode.FAILED, only + " commits of " + branch + " are on no other branch nor remote",
                        "push or merge them first, or khlone zone rm --force " + target + " (the branch keeps them)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Zone zone;
        try {
            zone = host.locations().zoneAt(path);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot name the zone at " + path + ": " + e.getMessage(), null);
        }
        DaemonStopCommand.stop(new DaemonConnector(zone, host), out);
        Path main = all.get(0).path(); // git is asked from the main worktree, not the one it removes
        if (force) {
            Worktrees.git(main, "worktree", "remove", "--force", path.toString());
        } else {
            Worktrees.git(main, "worktree", "remove", path.toString());
        }
        out.println("removed the worktree " + path + " (branch " + branch + " stays); its transcripts: khlone log --zone "
                + target);
        return ExitCode.OK;
    }
}
