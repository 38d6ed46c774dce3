package dev.khlone.dist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.khlone.protocol.json.Json;
import dev.khlone.testkit.KhloneHarness;
import dev.khlone.testkit.fakebrain.FakeBrainService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Zones as worktrees: {@code --zone @branch}, {@code khlone zones}, {@code zone rm}, {@code daemon stop --all}. */
class WorktreeZoneIT {
    KhloneHarness khlone;
    Path repo;

    @BeforeEach
    void setUp() throws Exception {
        khlone = new KhloneHarness();
        repo = FakeBrainService.zone(khlone, "app"); // khlone.yml: the hero on the fake brain
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "khlone.yml");
        git(repo, "commit", "-q", "-m", "khlone.yml");
    }

    @AfterEach
    void tearDown() {
        khlone.run(repo, "daemon", "stop", "--all");
        khlone.close();
    }

    private static void git(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-C", dir.toString()));
        command.addAll(List.of(args));
        KhloneHarness.Result r = KhloneHarness.run(new ProcessBuilder(command));
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> zones() {
        return (List<Map<String, Object>>) Json.parseObject(ok(repo, "zones", "--json").out()).get("zones");
    }

    private KhloneHarness.Result ok(Path dir, String... args) {
        KhloneHarness.Result r = khlone.run(dir, args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void aBranchIsAWorktreeZoneOfItsOwnThatZonesListsAndZoneRmRemovesWhenNothingWouldBeLost() throws Exception {
        Path inside = Files.createDirectories(repo.resolve("src/deep"));
        KhloneHarness.Result act = ok(inside, "act", "--await", "--zone", "@feat/x", "write made-here.txt");
        assertThat(act.out()).isEqualTo("wrote made-here.txt\n");
        Path worktree = repo.resolveSibling("app@feat-x");
        assertThat(worktree.resolve("made-here.txt")).as("the act wrote in the worktree").exists();
        assertThat(repo.resolve("made-here.txt")).as("and nowhere else").doesNotExist();
        assertThat(worktree.resolve("khlone.yml")).exists();

        String real = worktree.toRealPath().toString();
        Map<String, Object> listed = zones().stream().filter(z -> z.get("root").equals(real))
                .findFirst().orElseThrow();
        assertThat(listed).containsEntry("branch", "feat/x").containsEntry("exists", true).containsEntry("clones", 1L);
        assertThat(listed.get("pid")).isNotNull();
        assertThat(ok(repo, "zones").out()).contains("app@feat-x").contains("feat/x");

        KhloneHarness.Result dirty = khlone.run(repo, "zone", "rm", "@feat/x");
        assertThat(dirty.exitCode()).isEqualTo(1);
        assertThat(dirty.err()).contains("has uncommitted changes (1 files)").contains("khlone zone rm --force @feat/x");
        assertThat(worktree).exists();

        git(worktree, "add", "made-here.txt");
        git(worktree, "commit", "-q", "-m", "made here");
        KhloneHarness.Result unpushed = khlone.run(repo, "zone", "rm", "@feat/x");
        assertThat(unpushed.exitCode()).isEqualTo(1);
        assertThat(unpushed.err()).contains("1 commits of feat/x are on no other branch nor remote");

        git(repo, "merge", "-q", "feat/x");
        ok(repo, "zone", "rm", "@feat/x");
        assertThat(worktree).doesNotExist();
        assertThat(ok(repo, "log", "--zone", "@feat/x").out()).as("its transcripts stay readable").contains("› write made-here.txt");
        Map<String, Object> gone = zones().stream().filter(z -> z.get("root").equals(real)).findFirst().orElseThrow();
        assertThat(gone).containsEntry("exists", false).containsEntry("pid", null);
    }

    @Test
    void badAddressesSayWhatZoneTakesAndStopAllStopsEveryDaemon() throws Exception {
        KhloneHarness.Result empty = khlone.run(repo, "status", "--zone", "@");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("'' is not a branch name").contains("--zone PATH, or --zone @BRANCH");
        Path plain = khlone.newDirectory("not-a-repo");
        KhloneHarness.Result outside = khlone.run(plain, "status", "--zone", "@feat/y");
        assertThat(outside.exitCode()).isEqualTo(2);
        assertThat(outside.err()).contains("needs a git repository");

        ok(repo, "status");
        ok(repo, "status", "--zone", "@feat/z");
        assertThat(zones()).filteredOn(z -> z.get("pid") != null).hasSize(2);
        KhloneHarness.Result stopAll = ok(repo, "daemon", "stop", "--all");
        assertThat(stopAll.out().lines().filter(l -> l.startsWith("stopped"))).hasSize(2);
        assertThat(zones()).allMatch(z -> z.get("pid") == null);
        assertThat(ok(repo, "daemon", "stop", "--all").out()).isEqualTo("no daemon is running\n");
    }

    @Test
    void zoneRmAndAWorktreeInTheWaySayWhatIsWrongAndChangeNothing() throws Exception {
        KhloneHarness.Result notABranch = khlone.run(repo, "zone", "rm", "feat/x");
        assertThat(notABranch.exitCode()).isEqualTo(2);
        assertThat(notABranch.err()).contains("zone rm takes @BRANCH, not 'feat/x'");
        KhloneHarness.Result none = khlone.run(repo, "zone", "rm", "@nope");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("branch nope has no worktree");
        KhloneHarness.Result main = khlone.run(repo, "zone", "rm", "@main");
        assertThat(main.exitCode()).isEqualTo(2);
        assertThat(main.err()).contains("is the repository's main worktree");
        assertThat(repo).exists();

        Path inTheWay = Files.createDirectories(repo.resolveSibling("app@feat-w"));
        KhloneHarness.Result blocked = khlone.run(repo, "status", "--zone", "@feat/w");
        assertThat(blocked.exitCode()).isEqualTo(2);
        assertThat(blocked.err()).contains(inTheWay + " is in the way of its worktree");
        assertThat(zones()).as("no zone was made").isEmpty();
    }

    @Test
    void khloneYmlSaysWhereWorktreesGoAndABadPlaceIsRefusedBeforeGitIsTouched() throws Exception {
        Files.writeString(repo.resolve("khlone.yml"), "hero: foreman@fake\nworktrees: ../trees/{repo}-{branch}\n");
        git(repo, "commit", "-q", "-am", "worktrees under trees/");
        ok(repo, "act", "--await", "--zone", "@feat/y", "write here.txt");
        Path worktree = repo.resolveSibling("trees").resolve("app-feat-y");
        assertThat(worktree.resolve("here.txt")).as("the worktree is where khlone.yml says").exists();
        assertThat(repo.resolveSibling("app@feat-y")).doesNotExist();
        assertThat(ok(repo, "zones").out()).contains("app-feat-y").contains("feat/y");

        Files.writeString(repo.resolve("khlone.yml"), "hero: foreman@fake\nworktrees: ../all-in-one\n");
        KhloneHarness.Result bad = khlone.run(repo, "status", "--zone", "@feat/v");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("worktrees: '../all-in-one' must name {branch}").contains("hint: e.g. worktrees: ../{repo}@{branch}");
        KhloneHarness.Result branch = KhloneHarness.run(new ProcessBuilder("git", "-C", repo.toString(), "branch", "--list", "feat/v"));
        assertThat(branch.out()).as("no branch was made").isEmpty();
    }
}
