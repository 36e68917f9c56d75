package llm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class JsonProblemTest {
    private static String problem(String json) {
        return JsonProblem.describe(assertThrows(JsonParseException.class, () -> JsonParser.parseString(json)));
    }

    @Test
    void saysWhatAndWhereWithoutJavaNames() {
        assertEquals("malformed JSON at column 6", problem("not json"));
        assertEquals("unexpected end of input at column 15", problem("{\"text\": \"a\", "));
        assertEquals("unterminated object at column 12", problem("{\"a\": \"b\" x}"));
        assertEquals("expected name at line 2 column 1", problem("{\n]}"));
    }
}
