package llm.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import llm.compute.Quantity;
import llm.data.DataSpec;
import llm.eval.fewshot.Escapes;
import llm.eval.fewshot.Example;
import llm.eval.fewshot.Template;
import org.junit.jupiter.api.Tag;

/** Flag values with a syntax of their own; each target takes the input bytes as the value (UTF-8). */
@Tag("fuzz")
class FlagValuesFuzz {

    /** --data PATH[:WEIGHT]. */
    @FuzzTest
    void dataSpec(byte[] data) throws Exception {
        String v = text(data);
        Contract.holds(() -> DataSpec.parse(v, "--data"));
    }

    /** Quantities such as 1.6B, 3e9, 512K (cost, train --tokens). */
    @FuzzTest
    void quantity(byte[] data) throws Exception {
        String v = text(data);
        Contract.holds(() -> Quantity.human(Quantity.parse(v, "--tokens")));
        Contract.holds(() -> Quantity.count(v, "--tokens"));
    }

    /** fewshot --template with {input} and {output}, rendered once. */
    @FuzzTest
    void template(byte[] data) throws Exception {
        String v = text(data);
        Contract.holds(() -> {
            Template t = Template.parse(v);
            t.render(new Example("in", "out"));
            t.query("in");
        });
    }

    /** Backslash escapes of --delimiter / --instruction / --stop values, decoded then encoded again. */
    @FuzzTest
    void escapes(byte[] data) throws Exception {
        String v = text(data);
        Contract.holds(() -> Escapes.encode(Escapes.decode("--delimiter", v)));
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}
