package llm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import llm.data.wiki.Wikitext;
import org.junit.jupiter.api.Tag;

/** MediaWiki markup: the wikitext cleaner (templates, tables, links, tags, nested or unbalanced). */
@Tag("fuzz")
class WikiFuzz {

    /** One page's wikitext to plain text: a result (never null) for any input, in time linear in it. */
    @FuzzTest
    void wikitext(byte[] data) throws Exception {
        String page = new String(data, StandardCharsets.UTF_8);
        Contract.holds(() -> {
            if (Wikitext.plainText(page) == null) {
                throw new AssertionError("plainText returned null");
            }
        });
    }
}
