package llm.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ColorTest {
    @Test
    void colourOnlyOnATerminalThatIsNotDumbAndWithoutANonEmptyNoColor() {
        assertTrue(Color.allowed(true, Map.of("TERM", "xterm-256color")));
        assertTrue(Color.allowed(true, Map.of("TERM", "xterm", "NO_COLOR", "")), "an empty NO_COLOR is not set");
        assertFalse(Color.allowed(true, Map.of("TERM", "xterm", "NO_COLOR", "1")));
        assertFalse(Color.allowed(true, Map.of("TERM", "dumb")), "a dumb terminal gets no escape codes");
        assertFalse(Color.allowed(true, Map.of()), "no TERM: not a terminal that takes escape codes");
        assertFalse(Color.allowed(false, Map.of("TERM", "xterm")), "a pipe or file");
    }

    @Test
    void cursorControlIgnoresNoColorButNotADumbTerminal() {
        assertTrue(Color.controls(true, Map.of("TERM", "xterm", "NO_COLOR", "1")));
        assertFalse(Color.controls(true, Map.of("TERM", "dumb")));
        assertFalse(Color.controls(false, Map.of("TERM", "xterm")));
    }
}
