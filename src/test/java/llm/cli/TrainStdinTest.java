package llm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import llm.data.TokenShard;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import llm.train.TokenizerTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code llm train --data -}: the training text from stdin, compressed or not, in full. */
class TrainStdinTest {
    static final String TEXT = ("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"
            + "\nFirst Citizen:\nYou are all resolved rather to die than to famish?\n\n").repeat(12);

    static CliHarness.Result withStdin(byte[] in, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(in));
        try {
            return CliHarness.run(args);
        } finally {
            System.setIn(saved);
        }
    }

    static String firstShardText(Path run, Tokenizer tok) throws Exception {
        return tok.decode(TokenShard.read(run.resolve("data/src00_train_000000.bin")));
    }

    @Test
    void dashWithATokenizer(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("t.txt"), TEXT);
        Path tokFile = dir.resolve("tokenizer.json");
        TokenizerTraining.train(List.of(text.toString()), 300, "text", tokFile);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(TEXT.getBytes(StandardCharsets.UTF_8));
        }
        Path run = dir.resolve("run");
        CliHarness.Result r = withStdin(gz.toByteArray(), "train", "--data", "-", "--tokenizer", tokFile.toString(),
                "--preset", "tiny", "--steps", "1", "--batch", "2", "--threads", "1", "--seed", "1",
                "--val-fraction", "0", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(TEXT.strip() + "<|endoftext|>", firstShardText(run, Tokenizers.load(tokFile)));
        Path kept = run.resolve("data/input-0").toAbsolutePath(); // stdin is read once: its copy stands for it
        assertTrue(Files.readString(run.resolve("training.json")).contains("\"spec\": \"" + kept + "\""));
        assertTrue(Files.readString(run.resolve("run.json")).contains(kept.toString()));
        r = withStdin(new byte[0], "train", "--resume", run.toString(), "--steps", "2"); // stdin not read again
        assertEquals(0, r.code(), r.err());
        assertEquals(2, Files.readAllLines(run.resolve("metrics.jsonl")).size());
        Path moved = Files.move(run, dir.resolve("moved")); // the copy moves with the run
        r = withStdin(new byte[0], "train", "--resume", moved.toString(), "--steps", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, Files.readAllLines(moved.resolve("metrics.jsonl")).size());
        r = withStdin(TEXT.getBytes(StandardCharsets.UTF_8), "train", "--data", "-", "--val-data", "-",
                "--tokenizer", tokFile.toString(), "--preset", "tiny", "--steps", "1", "--out",
                dir.resolve("twice").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("stdin ('-') can be given once"), r.err());
    }

    @Test
    void dashWithATokenizerTrainedOnItFirst(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliHarness.Result r = withStdin(TEXT.getBytes(StandardCharsets.UTF_8), "train", "--data", "-",
                "--vocab-size", "300", "--preset", "tiny", "--steps", "1", "--batch", "2", "--threads", "1",
                "--seed", "1", "--val-fraction", "0", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Tokenizer tok = Tokenizers.load(run.resolve("tokenizer.json"));
        assertEquals(TEXT.strip() + "<|endoftext|>", firstShardText(run, tok));
    }
}
