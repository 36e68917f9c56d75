package llm.eval.memorize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class WindowsTest {
    @Test
    void evenlySpaced() {
        assertArrayEquals(new int[] {0}, Windows.offsets(100, 64, 1));
        assertArrayEquals(new int[] {0, 18, 36}, Windows.offsets(100, 64, 3));
        assertArrayEquals(new int[] {0, 1}, Windows.offsets(65, 64, 5)); // only two distinct offsets fit
        assertArrayEquals(new int[] {0}, Windows.offsets(64, 64, 4));
        assertArrayEquals(new int[0], Windows.offsets(63, 64, 1));
    }
}
