/**
 * Streams and files, free of model knowledge: {@link llm.io.Inputs} (open a name, {@code -} = stdin, decompressed by
 * content; one-line read errors), {@link llm.io.Stdio} (stdout as bytes, terminal checks, a closed pipe is not an
 * error), {@link llm.io.AtomicFile} (write to a temporary, rename on commit: no half-written output),
 * {@link llm.io.StrictUtf8Reader} (text that must be UTF-8: the first bad byte's offset),
 * {@link llm.io.Log} (stderr at the {@code -q}/{@code -v} level), {@link llm.io.JsonProblem} (a JSON parse error in
 * words), {@link llm.io.TokenText}, {@link llm.io.FailureFilterInputStream} (read failures rewritten on their way
 * out) and {@link llm.io.Futures} (a background task's result, its failure rethrown).
 */
package llm.io;
