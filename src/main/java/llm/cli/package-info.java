/**
 * The shell: one picocli class per subcommand ({@code sample}, {@code score}, {@code train}, {@code tokenize},
 * {@code cost}, ...), the option mixins they share ({@code --model}/{@code --tokenizer}, {@code --device},
 * sampling, {@code -q}/{@code -v}), exit codes ({@link llm.cli.ExitCodes}), help and completion. A command parses
 * its flags, calls one entry point of {@code llm.run} or a library, and prints: stdout is data, stderr progress;
 * a {@link llm.UserException} becomes one {@code llm: <what>: <why>} line and its exit code ({@link llm.cli.Main}).
 * Nothing below imports this package.
 */
package llm.cli;
