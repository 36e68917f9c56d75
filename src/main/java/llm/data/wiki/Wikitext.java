package llm.data.wiki;

/**
 * Wikitext (the markup of one MediaWiki page) to the plain text a reader of the rendered page sees.
 *
 * <p>Why our own code: the Java wikitext libraries are renderers or regex piles. Sweble (org.sweble.wikitext; a
 * fork, io.github.rzo1, still released in 2025) emulates MediaWiki in full — a PEG parser to an AST plus an engine,
 * megabytes of dependencies, and the plain-text visitor would still be ours to write; Bliki (bliki-core, last
 * released in the 2010s) renders HTML; WikiClean (lintool) gives plain text, but as a chain of regular expressions,
 * unreleased for years. None guards against deep nesting. What we need is narrower: drop what is not prose and
 * keep the words. The work is three
 * small scanners, each linear in the input and free of recursion (100k nested {@code {{} or {@code [[} neither
 * overflow the stack nor take quadratic time):
 * <ol>
 *   <li>{@link Tags}: comments, {@code <ref>}, {@code <math>}, {@code <gallery>} and other non-prose elements
 *       removed; HTML formatting tags removed with their text kept; {@code <nowiki>}/{@code <pre>} text protected
 *       from the later passes;</li>
 *   <li>{@link Brackets}: templates {@code {{…}}}, parameters {@code {{{…}}}} and tables {@code {|…|}} removed
 *       (nested); wiki links {@code [[…]]}, external links {@code [url label]} and language variants
 *       {@code -{…}-} replaced by the text they show;</li>
 *   <li>{@link Lines}: headings, lists, bold/italic quotes, {@code __MAGIC__} words, entities, whitespace;
 *       sections that are not prose (References, External links, …) dropped.</li>
 * </ol>
 * Unbalanced markup terminates: an opener that is never closed is dropped and the text after it kept (an unclosed
 * table or comment runs to the end of the page, as in MediaWiki).
 */
public final class Wikitext {
    private Wikitext() {}

    /**
     * The plain text a reader sees on the page whose wikitext is {@code wikitext}.
     *
     * <p>Contract: input is the wikitext of one page (as in a dump's {@code <text>} element, XML entities already
     * decoded). Output: paragraphs (runs of text lines joined by a space) separated by one blank line; each heading
     * is its own paragraph (its text without the {@code =} marks); each list item is its own line without its
     * {@code * # : ;} markers. No leading or trailing whitespace, no runs of spaces, no {@code \r} or tabs. Never
     * null; empty when the page has no prose (a redirect, a page of templates).
     */
    public static String plainText(String wikitext) {
        String tagsDone = Tags.strip(wikitext);
        String bracketsDone = Brackets.resolve(tagsDone);
        return Lines.format(bracketsDone);
    }
}
