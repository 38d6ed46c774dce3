package dev.khlone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** khlone.yml's {@code worktrees:}: where {@code --zone @branch} makes a worktree. */
class WorktreesTest {
    @TempDir
    Path dir;

    private Path config(String text) throws Exception {
        return Files.writeString(dir.resolve("khlone.yml"), text);
    }

    @Test
    void withoutTheSettingAWorktreeGoesBesideTheMainOneNamedAfterRepoAndBranch() throws Exception {
        Path main = dir.resolve("app");
        assertThat(Worktrees.template(dir.resolve("khlone.yml"))).isEqualTo("../{repo}@{branch}");
        assertThat(Worktrees.template(config("hero: foreman@claude\nroles: [scout]\n"))).isEqualTo("../{repo}@{branch}");
        assertThat(Worktrees.place(main, Worktrees.PLACE, "feat/auth")).isEqualTo(dir.resolve("app@feat-auth"));
    }

    @Test
    void theSettingPlacesItRelativeToTheMainWorktreeOrTheHome() throws Exception {
        Path main = dir.resolve("app");
        String template = Worktrees.template(config("roles:\n  mech: mechanic\nworktrees: ../trees/{repo}-{branch}\n"));
        assertThat(Worktrees.place(main, template, "feat/auth")).isEqualTo(dir.resolve("trees/app-feat-auth"));
        assertThat(Worktrees.place(main, ".worktrees/{branch}", "fix")).isEqualTo(main.resolve(".worktrees/fix"));
        assertThat(Worktrees.place(main, "~/wt/{branch}", "fix")).isEqualTo(Path.of(System.getProperty("user.home"), "wt/fix"));
    }

    @Test
    void aSettingThatCannotWorkSaysWhatIsWrongAndWhatToWrite() throws Exception {
        assertThatThrownBy(() -> Worktrees.template(config("worktrees: ../shared\n")))
                .hasMessageContaining("worktrees: '../shared' must name {branch}")
                .extracting(e -> ((KhloneException) e).hint()).asString().contains("worktrees: ../{repo}@{branch}");
        assertThatThrownBy(() -> Worktrees.template(config("worktrees: ../{repo}/{user}-{branch}\n")))
                .hasMessageContaining("may use {repo} and {branch}, nothing else");
        assertThatThrownBy(() -> Worktrees.template(config("worktrees: [a, b]\n")))
                .hasMessageContaining("worktrees: must be a path");
        assertThatThrownBy(() -> Worktrees.template(config("worktrees: ../{branch\n  bad: [\n")))
                .hasMessageContaining("is not valid YAML");
    }
}
