package llm.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import llm.eval.chat.Transcript;
import llm.eval.fewshot.ChoiceReader;
import llm.eval.fewshot.ExampleReader;
import org.junit.jupiter.api.Tag;

/** Evaluation inputs: fewshot TSV / JSON Lines examples, HellaSwag items, chat transcripts. */
@Tag("fuzz")
class EvalFilesFuzz {
    private static final String[] COLUMNS = {null, "input,output", "2,3", "english,french", "1,1", "0,2", ",", "a"};
    private static final String[] EXAMPLE_NAMES = {"examples.tsv", "examples.jsonl", "examples.txt"};
    private static final String[] CHOICE_NAMES = {"hellaswag_val.txt", "hellaswag_val.jsonl"};

    /** fewshot's --examples file, with one of the --columns spellings. */
    @FuzzTest
    void examples(FuzzedDataProvider in) throws Exception {
        String columns = in.pickValue(COLUMNS);
        String name = in.pickValue(EXAMPLE_NAMES);
        byte[] data = in.consumeRemainingAsBytes();
        Contract.holds(() -> ExampleReader.read(new ByteArrayInputStream(data), name, columns));
    }

    /** HellaSwag's text form (context line, four endings, label) or JSON Lines, as fewshot --choices reads it. */
    @FuzzTest
    void hellaswag(FuzzedDataProvider in) throws Exception {
        int limit = in.consumeInt(0, 3);
        String name = in.pickValue(CHOICE_NAMES);
        byte[] data = in.consumeRemainingAsBytes();
        Contract.holds(() -> ChoiceReader.read(new ByteArrayInputStream(data), name, limit));
    }

    /** A chat transcript ("Human:" / "Assistant:" turns after a preamble). */
    @FuzzTest
    void transcript(byte[] data) throws Exception {
        String text = new String(data, StandardCharsets.UTF_8);
        Contract.holds(() -> Transcript.parse(text, Transcript.HUMAN, Transcript.ASSISTANT, "chat.txt"));
    }
}
