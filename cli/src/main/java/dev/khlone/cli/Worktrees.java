package dev.khlone.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Zones addressed {@code @branch}: the git worktree of that branch, found with {@code git worktree
 * list} from anywhere in the repository, or made with {@code git worktree add} where the
 * repository's khlone.yml says ({@code worktrees: ../{repo}@{branch}}, relative to the main
 * worktree; slashes of the branch as dashes). By default beside the main one, not inside: a checkout
 * within a checkout confuses editors, search and the repository's own .gitignore; beside, it is one
 * cd away and its name says what it is.
 */
final class Worktrees {
    private static final String FORMS = "--zone PATH, or --zone @BRANCH for the worktree of a branch of the git repository here";
    static final String PLACE = "../{repo}@{branch}";

    /** One worktree of the repository; {@code branch} is null when detached. */
    record Worktree(Path path, String branch) {}

    private final Path cwd;

    Worktrees(Path cwd) {
        this.cwd = cwd;
    }

    /** The worktrees of the repository containing the current directory, the main one first. */
    List<Worktree> list() {
        String porcelain = git(cwd, "worktree", "list", "--porcelain");
        List<Worktree> all = new ArrayList<>();
        Path path = null;
        String branch = null;
        for (String line : (porcelain + "\n").split("\n", -1)) {
            if (line.startsWith("worktree ")) {
                path = Path.of(line.substring("worktree ".length()));
            } else if (line.startsWith("branch refs/heads/")) {
                branch = line.substring("branch refs/heads/".length());
            } else if (line.isEmpty() && path != null) {
                all.add(new Worktree(path, branch));
                path = null;
                branch = null;
            }
        }
        return all;
    }

    /** The worktree of {@code branch}, if the repository has one. */
    Optional<Worktree> of(String branch) {
        return list().stream().filter(w -> branch.equals(w.branch())).findFirst();
    }

    /** Where a new worktree of {@code branch} goes: khlone.yml's {@code worktrees:} place, else beside the main worktree. */
    Path placeFor(String branch) {
        Path main = list().get(0).path();
        return place(main, template(main.resolve("khlone.yml")), branch);
    }

    /** {@code template} for {@code branch} of the repository whose main worktree is {@code main}. */
    static Path place(Path main, String template, String branch) {
        String path = template.replace("{repo}", main.getFileName().toString()).replace("{branch}", branch.replace('/', '-'));
        if (path.startsWith("~/")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return main.resolve(path).normalize();
    }

    /**
     * khlone.yml's {@code worktrees:} setting, or {@link #PLACE}: a path that names {@code {branch}}
     * (or every branch would want one directory) and no other placeholder than {@code {repo}}.
     */
    static String template(Path config) {
        if (!Files.isRegularFile(config)) {
            return PLACE;
        }
        String template = null;
        try (JsonParser yaml = new YAMLFactory().createParser(config.toFile())) {
            if (yaml.nextToken() == JsonToken.START_OBJECT) {
                while (yaml.nextToken() == JsonToken.FIELD_NAME) {
                    String key = yaml.currentName();
                    JsonToken value = yaml.nextToken();
                    if (key.equals("worktrees")) {
                        if (value != JsonToken.VALUE_STRING) {
                            throw badPlace(config, "must be a path, e.g. " + PLACE);
                        }
                        template = yaml.getText();
                    }
                    yaml.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new KhloneException(ExitCode.USAGE, config + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""),
                    "fix it; khlone.yml's settings are in the README");
        }
        if (template == null) {
            return PLACE;
        }
        if (!template.contains("{branch}")) {
            throw badPlace(config, "'" + template + "' must name {branch}, or every branch would want the same directory");
        }
        String rest = template.replace("{branch}", "").replace("{repo}", "");
        if (rest.contains("{") || rest.contains("}")) {
            throw badPlace(config, "'" + template + "' may use {repo} and {branch}, nothing else in braces");
        }
        return template;
    }

    private static KhloneException badPlace(Path config, String why) {
        return new KhloneException(ExitCode.USAGE, config + ": worktrees: " + why,
                "e.g. worktrees: " + PLACE + " (relative to the main worktree; the default when unset)");
    }

    /**
     * The worktree of {@code branch}, made if there is none: the branch itself made from the current
     * HEAD if it does not exist. The new worktree gets the repository's khlone.yml.
     */
    Path findOrAdd(String branch) {
        checkName(branch);
        Optional<Worktree> found = of(branch);
        if (found.isPresent()) {
            return found.get().path();
        }
        Path place = placeFor(branch);
        if (Files.exists(place)) {
            throw new KhloneException(ExitCode.USAGE, "--zone @" + branch + ": " + place + " is in the way of its worktree",
                    "move it, or name that directory: --zone " + place);
        }
        boolean exists = run(cwd, "git", "show-ref", "--verify", "--quiet", "refs/heads/" + branch).exitCode() == 0;
        if (exists) {
            git(cwd, "worktree", "add", place.toString(), branch);
        } else {
            git(cwd, "worktree", "add", "-b", branch, place.toString());
        }
        Path config = list().get(0).path().resolve("khlone.yml");
        Path copy = place.resolve("khlone.yml");
        try {
            if (Files.isRegularFile(config) && !Files.exists(copy)) {
                Files.copy(config, copy, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "made the worktree " + place + " but could not give it khlone.yml: "
                    + e.getMessage(), "copy " + config + " there yourself");
        }
        return place;
    }

    /** A branch name git accepts, or a usage error listing what --zone takes. */
    void checkName(String branch) {
        if (branch.isEmpty() || run(cwd, "git", "check-ref-format", "--branch", branch).exitCode() != 0) {
            throw new KhloneException(ExitCode.USAGE, "--zone @" + branch + ": '" + branch + "' is not a branch name", FORMS);
        }
    }

    /** Runs git in {@code dir}; its output, or a khlone error with what git said. */
    static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Result r = run(dir, command.toArray(new String[0]));
        if (r.exitCode() != 0) {
            String said = r.output().strip();
            if (said.contains("not a git repository")) {
                throw new KhloneException(ExitCode.USAGE, "--zone @BRANCH needs a git repository, and " + dir + " is not in one",
                        FORMS);
            }
            throw new KhloneException(ExitCode.FAILED, "git " + String.join(" ", args) + " failed: "
                    + said.lines().findFirst().orElse("exit " + r.exitCode()), "run it yourself in " + dir + " to see why");
        }
        return r.output();
    }

    record Result(int exitCode, String output) {}

    static Result run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new KhloneException(ExitCode.FAILED, "cannot run git: " + e.getMessage(), "install git");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KhloneException(ExitCode.FAILED, "interrupted while git ran", null);
        }
    }
}
