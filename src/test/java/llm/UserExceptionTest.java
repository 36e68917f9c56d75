package llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class UserExceptionTest {
    @Test
    void aMessageQuotingLineBreaksStaysOneLine() {
        assertEquals("--tokens: cannot read '\\n' as a number",
                UserException.usage("--tokens: cannot read '\n' as a number").getMessage());
        assertEquals("a\\r\\nb\\u2028c\\u0085d", UserException.runtime("a\r\nb\u2028c\u0085d").getMessage());
    }

    @Test
    void aOneLineMessageIsKeptAsIs() {
        String m = "model.bin: truncated: the header implies 3324 bytes but the file has 128";
        assertSame(m, UserException.runtime(m).getMessage());
        assertEquals(2, UserException.usage(m).exitCode());
    }
}
