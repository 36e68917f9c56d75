package llm.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import llm.UserException;
import org.junit.jupiter.api.Test;

class QuantityTest {
    @Test
    void suffixes() {
        assertEquals(124e6, Quantity.parse("124M", "--params"));
        assertEquals(1.5e9, Quantity.parse("1.5B", "--params"));
        assertEquals(10e9, Quantity.parse("10b", "--params"));
        assertEquals(15e12, Quantity.parse("15T", "--tokens"));
        assertEquals(300e9, Quantity.parse("300e9", "--tokens"));
        assertEquals(2.5e3, Quantity.parse("2.5k", "--tokens"));
        assertEquals(124_439_808, Quantity.parse("124,439,808", "--params"));
        assertEquals(6000, Quantity.parse("6_000", "--params"));
        assertEquals(1e9, Quantity.parse("1G", "--params"));
        assertEquals(405e9, Quantity.count("405B", "--params"));
    }

    @Test
    void badNumbersAreUsageErrorsNamingTheFlag() {
        for (String bad : new String[] {"", "abc", "12X", "-5", "1.2.3", "1e", "M", "NaN", "12,34"}) {
            UserException e = assertThrows(UserException.class, () -> Quantity.parse(bad, "--tokens"), bad);
            assertEquals(UserException.USAGE, e.exitCode());
            assertTrue(e.getMessage().startsWith("--tokens"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"));
        }
        assertEquals("--tokens cannot be negative, not '-1.5B'",
                assertThrows(UserException.class, () -> Quantity.parse("-1.5B", "--tokens")).getMessage());
        assertThrows(UserException.class, () -> Quantity.positive("0", "--mfu"));
        assertThrows(UserException.class, () -> Quantity.count("1.5", "--gpus"));
        assertThrows(UserException.class, () -> Quantity.parse("1e400", "--tokens"));
    }

    @Test
    void human() {
        assertEquals("124.4M", Quantity.human(124_439_808));
        assertEquals("1.6B", Quantity.human(1.6e9));
        assertEquals("15T", Quantity.human(15e12));
        assertEquals("512", Quantity.human(512));
        assertEquals("3.6e25", Quantity.human(3.645e25));
        assertEquals("3.65e25", Quantity.sci(3.645e25));
        assertEquals("9.60e20", Quantity.sci(9.6e20));
    }

    @Test
    void siUnitsDoNotReadAsBillions() { // "1.227BB" was a peak RSS of 1.227 GB
        assertEquals("1.227 GB", Quantity.si(1.227e9, "B"));
        assertEquals("159.5 GFLOP/s", Quantity.si(159.5e9, "FLOP/s"));
        assertEquals("512 B", Quantity.si(512, "B"));
    }

    @Test
    void pluralCountsNouns() {
        assertEquals("1 document", Quantity.plural(1, "document"));
        assertEquals("0 windows", Quantity.plural(0, "window"));
        assertEquals("2 threads", Quantity.plural(2, "thread"));
    }
}
