package dev.khlone.protocol.crew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WhoTest {
    @Test
    void readsEveryFormOfTheGrammar() {
        assertThat(Who.parse("")).isEqualTo(Who.HERO);
        assertThat(Who.parse(null)).isEqualTo(Who.HERO);
        assertThat(Who.parse("mechanic")).isEqualTo(new Who("mechanic", null, null, false));
        assertThat(Who.parse("mechanic.2")).isEqualTo(new Who("mechanic", 2, null, false));
        assertThat(Who.parse("mechanic.1@codex")).isEqualTo(new Who("mechanic", 1, "codex", false));
        assertThat(Who.parse("researcher@codex++")).isEqualTo(new Who("researcher", null, "codex", true));
        assertThat(Who.parse("@opencode")).isEqualTo(new Who(null, null, "opencode", false));
        assertThat(Who.parse("mechanic++")).isEqualTo(new Who("mechanic", null, null, true));
        assertThat(Who.parse("++")).isEqualTo(new Who(null, null, null, true));
    }

    @Test
    void writesBackWhatItRead() {
        for (String s : new String[] {"mechanic", "mechanic.2", "mechanic.1@codex", "scout@opencode++", "@claude", "++"}) {
            assertThat(Who.parse(s)).hasToString(s);
        }
    }

    @Test
    void refusesWhatIsNotAClone() {
        for (String bad : new String[] {"Mechanic", "mechanic.", "mechanic.0", ".2", "mech anic", "mechanic@", "a.b.c",
                "mechanic+", "@@codex"}) {
            assertThatThrownBy(() -> Who.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Who.parse("mechanic.x")).hasMessageContaining("'mechanic.x' is not a clone: write [role][.n][@brain][++]");
        assertThatThrownBy(() -> Who.parse("mechanic.2++")).hasMessageContaining("takes no number");
    }
}
