/**
 * Chat transcripts for base models: turns rendered into a prompt and read back from generated text.
 */
package llm.eval.chat;
