package llm.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import llm.UserException;
import llm.data.ShardStreams;
import llm.data.TokenDecoder;
import llm.data.TokenShard;
import llm.io.AtomicFile;
import llm.io.Inputs;
import llm.io.Log;
import llm.io.Stdio;
import llm.run.ModelRef;
import llm.run.TokenListing;
import llm.tokenizer.BpeTrainer;
import llm.tokenizer.StreamEncoder;
import llm.tokenizer.Tokenizer;
import llm.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llm tokenize}: text to token ids and back, token shards, and a byte-level BPE trainer. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {
            "Text to token ids and back; write llm.c token shards; train a byte-level BPE tokenizer.",
            "Encodes each FILE (default: stdin, '-') and prints its ids on one line, space-separated. "
                    + "Input is UTF-8; invalid bytes are replaced with U+FFFD and a warning (--strict rejects them). "
                    + "Special tokens such as <|endoftext|> are plain text unless --special is given."
        },
        exitCodeList = {ExitCodes.OK_LINE,
            "1:Runtime failure: an input or tokenizer file is missing or malformed, a token id in --decode input is "
                    + "not an integer or out of range, invalid UTF-8 with --strict. No partial output file is left.",
            ExitCodes.USAGE_LINE_NO_DEVICE},
        footer = {
            "  llm tokenize --tokenizer gpt2/tokenizer.json notes.txt",
            "  echo 'Hello world' | llm tokenize --tokenizer tok512.bin --pieces",
            "  llm tokenize --tokenizer gpt2/tokenizer.json --eos --bin train.bin corpus.txt",
            "  llm tokenize --tokenizer gpt2/tokenizer.json --decode train.bin | head",
            "  llm tokenize --train --vocab-size 4096 -o tokenizer.json input.txt"
        })
public final class TokenizeCommand extends LlmCommand {
    @Parameters(paramLabel = "FILE", description = "Inputs ('-' = stdin; .gz/.bz2/.xz/.zst are decompressed). "
            + "Default: stdin.")
    List<String> files = new ArrayList<>();

    @Option(names = "--tokenizer", paramLabel = "PATH",
            description = "A HuggingFace tokenizer.json, a llama2.c tokenizer.bin, or a release directory. "
                    + "Default: the bundled default model's tokenizer.")
    Path tokenizerPath;

    @Option(names = "--lines", description = "Encode each input line on its own (without its newline, \\n or "
            + "\\r\\n) and print one output line per input line; lines from a pipe are answered as they arrive "
            + "(tail -f log | llm tokenize --lines --count). With --decode: decode each line of ids to one line of "
            + "text.")
    boolean lines;

    @Option(names = "--pieces", description = "Print one 'id<TAB>piece' per token; control bytes and partial UTF-8 "
            + "are escaped (\\n, \\t, \\xNN).")
    boolean pieces;

    @Option(names = "--count", description = "Print only the number of tokens (one number per input, or per line "
            + "with --lines).")
    boolean count;

    @Option(names = "--json", description = "JSON Lines: {\"id\" (the input's name), [\"line\"], \"ids\", \"pieces\", \"offsets\"} "
            + "per input (per line with --lines); offsets are [start, end) byte offsets in the input. A piece that "
            + "is part of a UTF-8 character is written with \\xNN escapes, as --pieces does; its exact bytes are the "
            + "input's at its offsets.")
    boolean json;

    @Option(names = "--bin", paramLabel = "FILE", description = "Write all tokens to a token shard (llm.c layout: "
            + "256 int32 header, magic 20240520; uint16 tokens, uint32 when the vocabulary exceeds 65536). "
            + "'-' = stdout. Runs in bounded memory for a file.")
    String bin;

    @Option(names = "--special", description = "Parse special tokens written in the text (<|endoftext|>, <s>, </s>).")
    boolean special;

    @Option(names = "--bos", description = "Start each input (each line with --lines) with the BOS token.")
    boolean bos;

    @Option(names = "--eos", description = "End each input (each line with --lines) with the EOS / end-of-text token.")
    boolean eos;

    @Option(names = "--decode", description = "Decode: inputs hold token ids (integers separated by spaces or "
            + "commas, a JSON/Python list like [15496, 995], or a token shard) and the text is printed byte-exact.")
    boolean decode;

    @Option(names = "--strict", description = "Reject invalid UTF-8 in the input (and in decoded output) instead of "
            + "replacing it with U+FFFD.")
    boolean strict;

    @Option(names = "--threads", paramLabel = "N", description = "Encoding threads (default: all cores).")
    Integer threads;

    @Option(names = "--train", description = "Learn a byte-level BPE tokenizer (GPT-2 pre-tokenization, "
            + "<|endoftext|> special token) from the inputs and write its tokenizer.json.")
    boolean train;

    @Option(names = "--vocab-size", paramLabel = "N", description = "With --train: vocabulary size, at least 257 "
            + "(256 bytes + <|endoftext|>). Default: ${DEFAULT-VALUE}.", defaultValue = "4096")
    int vocabSize = 4096;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "With --train: where to write "
            + "tokenizer.json (default: stdout, also '-').")
    Path output;

    private Tokenizer tok;
    private int bosToken = -1; // --bos / --eos: the token id, -1 without
    private int eosToken = -1;

    @Override
    public Integer call() throws IOException {
        if (files.isEmpty()) {
            files.add("-");
        }
        validate();
        if (train) {
            return train();
        }
        tok = Tokenizers.load(tokenizerPath);
        Log.debug("tokenizer: %s", tok.name());
        if (decode) {
            return decode();
        }
        bosToken = bos ? tok.bos().orElseThrow(() -> UserException.usage("--bos: " + tok.name() + " has no BOS token"))
                : -1;
        eosToken = eos ? tok.eos().orElseThrow(() -> UserException.usage("--eos: " + tok.name() + " has no EOS token"))
                : -1;
        if (bin != null) {
            return encodeToShard();
        }
        return encodeToText();
    }

    private void validate() {
        if (threads != null && threads < 1) {
            throw UserException.usage("--threads must be at least 1, not " + threads);
        }
        int modes = (pieces ? 1 : 0) + (count ? 1 : 0) + (json ? 1 : 0) + (bin != null ? 1 : 0);
        if (modes > 1) {
            throw UserException.usage("--pieces, --count, --json and --bin are alternatives: give one");
        }
        if (train) {
            if (tokenizerPath != null) {
                throw UserException.usage("--train learns a new tokenizer: drop --tokenizer");
            }
            if (decode || modes > 0 || lines || bos || eos || special) {
                throw UserException.usage("--train takes only inputs, --vocab-size and -o");
            }
            if (vocabSize < 257) {
                throw UserException.usage("--vocab-size must be at least 257 (256 bytes + <|endoftext|>), not "
                        + vocabSize);
            }
            return;
        }
        if (spec != null && spec.commandLine() != null
                && spec.commandLine().getParseResult() != null
                && (spec.commandLine().getParseResult().hasMatchedOption("--vocab-size")
                        || spec.commandLine().getParseResult().hasMatchedOption("-o"))) {
            throw UserException.usage("--vocab-size and -o go with --train");
        }
        if (tokenizerPath == null) {
            tokenizerPath = ModelRef.bundled();
        }
        if (tokenizerPath == null) {
            throw UserException.usage("--tokenizer is required (a tokenizer.json, a llama2.c tokenizer.bin or a "
                    + "release directory)");
        }
        if (decode && (modes > 0 || bos || eos || special)) {
            throw UserException.usage("--decode prints text: it takes no --pieces, --count, --json, --bin, --bos, "
                    + "--eos or --special");
        }
    }

    private int threadCount() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    private void warnMalformed(String name, StreamEncoder.Stats stats) {
        if (stats.malformed() > 0) {
            Log.warn("%s: %d invalid UTF-8 sequence%s replaced with U+FFFD (--strict rejects them)", name,
                    stats.malformed(), stats.malformed() == 1 ? "" : "s");
        }
    }

    private int encodeToShard() throws IOException {
        boolean toStdout = "-".equals(bin);
        if (toStdout && Stdio.stdoutIsTerminal()) { // as gzip does: binary on a terminal is garbage and can upset it
            throw UserException.usage("--bin -: not writing a binary token shard to the terminal; redirect stdout "
                    + "(> train.bin) or give a file");
        }
        long bytes = 0;
        long t0 = System.nanoTime();
        try (StreamEncoder enc = new StreamEncoder(tok, special, strict, threadCount());
                ShardStreams.Output w = toStdout ? ShardStreams.Output.inMemory(tok.vocabSize())
                        : ShardStreams.Output.toFile(Path.of(bin), tok.vocabSize())) {
            for (String f : files) {
                try (InputStream in = Inputs.openNamed(f)) {
                    StreamEncoder.Stats st = lines ? enc.encodeLines(in, f, bosToken, eosToken, w::write)
                            : enc.encode(in, f, bosToken, eosToken, w::write);
                    warnMalformed(f, st);
                    bytes += st.bytes();
                }
            }
            if (toStdout) {
                spec.commandLine().getOut().flush();
            }
            long n = w.commit(toStdout ? Stdio.stdout() : null);
            double s = (System.nanoTime() - t0) / 1e9;
            Log.info("%s: %d tokens (%s) from %d bytes, %.1f bytes/token, %.1f MB/s", toStdout ? "stdout" : bin, n,
                    w.version() == TokenShard.VERSION_U16 ? "uint16" : "uint32", bytes,
                    n == 0 ? 0.0 : (double) bytes / n, bytes / 1e6 / Math.max(s, 1e-9));
        }
        return ExitCodes.OK;
    }

    private int encodeToText() throws IOException {
        TokenListing.Format format = count ? TokenListing.Format.COUNT : pieces ? TokenListing.Format.PIECES
                : json ? TokenListing.Format.JSON : TokenListing.Format.IDS;
        TokenListing text = new TokenListing(tok, new TokenListing.Options(format, bosToken, eosToken),
                spec.commandLine().getOut());
        try (StreamEncoder enc = new StreamEncoder(tok, special, strict, threadCount())) {
            for (String f : files) {
                try (InputStream in = Inputs.openNamed(f)) {
                    warnMalformed(f, text.encode(enc, in, f, lines));
                }
            }
        }
        text.flush();
        return ExitCodes.OK;
    }

    // ---- decode ------------------------------------------------------------------------------------------------

    private int decode() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder sb = new StringBuilder(1 << 16);
        TokenDecoder decoder = new TokenDecoder(tok, strict, lines);
        for (String f : files) {
            long malformed;
            try (InputStream in = Inputs.openNamed(f)) {
                malformed = decoder.decode(in, f, sb, out);
            }
            if (malformed > 0) {
                Log.warn("%s: decoded text has %d invalid UTF-8 sequence%s, printed as U+FFFD", f, malformed,
                        malformed == 1 ? "" : "s");
            }
            TokenDecoder.flushIfBig(out, sb);
        }
        out.write(sb.toString());
        out.flush();
        return ExitCodes.OK;
    }

    // ---- train -------------------------------------------------------------------------------------------------

    private int train() throws IOException {
        long t0 = System.nanoTime();
        BpeTrainer trainer = new BpeTrainer(vocabSize);
        long bytes = 0;
        for (String f : files) {
            try (InputStream in = Inputs.openNamed(f)) {
                StreamEncoder.Stats st = trainer.addStream(in, f, strict);
                warnMalformed(f, st);
                bytes += st.bytes();
            }
        }
        if (bytes == 0) { // a tokenizer of the 256 bytes alone is no use: say so rather than write one
            throw UserException.runtime(String.join(", ", files.stream().map(f -> "-".equals(f) ? "stdin" : f)
                    .toList()) + ": no text to train the tokenizer on");
        }
        byte[] jsonBytes = trainer.toJson();
        if (trainer.vocabSize() < vocabSize) {
            Log.warn("the text has only enough pairs for %d tokens, fewer than --vocab-size %d", trainer.vocabSize(),
                    vocabSize);
        }
        boolean toFile = output != null && !output.toString().equals(Inputs.STDIN); // '-' is stdout here
        if (toFile) {
            AtomicFile.write(output, jsonBytes);
        } else {
            spec.commandLine().getOut().flush();
            OutputStream out = new BufferedOutputStream(Stdio.stdout());
            out.write(jsonBytes);
            out.flush();
        }
        Log.info("trained %d tokens (%d merges) on %d bytes in %.1f s%s", trainer.vocabSize(), trainer.mergeCount(),
                bytes, (System.nanoTime() - t0) / 1e9, toFile ? " -> " + output : "");
        return ExitCodes.OK;
    }
}
