/**
 * Text to token ids and back: the {@link llm.tokenizer.Tokenizer} interface, loaded by
 * {@link llm.tokenizer.Tokenizers#load} from a HuggingFace {@code tokenizer.json} (byte-level BPE in Java, other
 * models through DJL's binding), a llama2.c {@code tokenizer.bin} or a release directory; the byte-level BPE
 * trainer ({@link llm.tokenizer.BpeTrainer}); {@link llm.tokenizer.StreamEncoder} (inputs of any size, chunked and
 * encoded on several threads, optionally framed by BOS/EOS) and {@link llm.tokenizer.Utf8StreamDecoder}
 * (UTF-8-safe incremental decoding). No tensors, no token shards (those are {@code llm.data}).
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizers.load(Path.of("gpt2/tokenizer.json"));
 * int[] ids = tok.encode("Hello world");
 * try (StreamEncoder enc = new StreamEncoder(tok, false, false, threads)) {
 *     enc.encode(in, "notes.txt", bos, eos, ids -> shard.write(ids));   // bos/eos: -1 for none
 * }
 * }</pre>
 */
package llm.tokenizer;
