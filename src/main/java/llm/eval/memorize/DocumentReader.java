package llm.eval.memorize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import llm.UserException;
import llm.data.Titles;
import llm.data.wiki.Article;
import llm.data.wiki.Articles;

/**
 * Streams documents from one input, one at a time (bounded memory: at most one document is held).
 *
 * <p>Ids: a WikiText article's title; a MediaWiki dump article's title; a JSON line's {@code --id-field}, else {@code source:LINE}; a split document's
 * {@code source:N} (1-based); an unsplit file's name. An unsplit file is its text exactly as read (line ends and
 * surrounding whitespace kept); a split document is trimmed of surrounding whitespace and its lines end in '\n' (a
 * WikiText article keeps the leading space of its first line, as the corpus has it). Blank documents are not
 * produced (a wholly blank input yields none), except a WikiText article with a heading and no text.
 */
public final class DocumentReader implements Iterator<Document>, Closeable {
    /** A top-level WikiText heading: {@code " = Title = "} (one '=' on each side, not {@code " = = Sub = = "}). */
    static final Pattern WIKI_HEADING = Pattern.compile("^\\s*=\\s(?!=)(.*?)\\s=\\s*$");

    private final BufferedReader in;
    private final Articles articles; // a MediaWiki dump's, else null
    private final String source;
    private final Split split;
    private final String textField;
    private final String idField;
    private int lineNo;
    private int docNo;
    private String pendingTitle;
    private boolean eof;
    private Runnable atEnd = () -> {};
    private java.util.function.LongSupplier inputBytes = () -> -1;
    private Document next;
    private Titles titles;
    private final java.util.Set<String> found = new java.util.HashSet<>();

    private DocumentReader(BufferedReader in, String source, Split split, String textField, String idField) {
        this(in, null, source, split, textField, idField);
    }

    private DocumentReader(BufferedReader in, Articles articles, String source, Split split, String textField,
            String idField) {
        this.in = in;
        this.articles = articles;
        this.source = source;
        this.split = split;
        this.textField = textField;
        this.idField = idField;
    }

    /** Runs {@code r} once, when the input's end is reached (e.g. to report what reading it found). */
    public DocumentReader atEnd(Runnable r) {
        this.atEnd = r;
        return this;
    }

    /**
     * {@code bytes} counts the bytes read from the input so far (before U+FFFD replaced ill-formed ones): an unsplit
     * input's document then reports the input's own size as its {@link Document#bytes()}.
     */
    public DocumentReader inputBytes(java.util.function.LongSupplier bytes) {
        this.inputBytes = bytes;
        return this;
    }

    /** Plain text cut by {@code split}. */
    public static DocumentReader text(BufferedReader in, String source, Split split) {
        return new DocumentReader(in, source, split, null, null);
    }

    /** The articles of a MediaWiki dump: the title is the id, the plain text the text (empty ones included). */
    public static DocumentReader articles(Articles articles) {
        return new DocumentReader(null, articles, null, null, null, null);
    }

    /** JSON Lines: the text in {@code textField}, the id in {@code idField} (may be null). */
    public static DocumentReader jsonl(BufferedReader in, String source, String textField, String idField) {
        return new DocumentReader(in, source, null, textField, idField);
    }

    /**
     * This reader, giving only the documents whose id is one of {@code titles}, the first of each; it stops reading
     * once it has given them all (the rest of a 20 GB dump is not read for one article).
     */
    public DocumentReader selecting(Titles titles) {
        this.titles = titles;
        return this;
    }

    /** Whether ids are titles: a MediaWiki dump's articles, WikiText articles. */
    public boolean titled() {
        return articles != null || split == Split.WIKITEXT;
    }

    @Override
    public boolean hasNext() {
        if (titles == null) {
            return advance();
        }
        while (next == null) {
            if (found.size() == titles.size() || !advance()) {
                return false;
            }
            if (!titles.contains(next.id()) || !found.add(Titles.normalize(next.id()))) {
                next = null;
            }
        }
        return true;
    }

    private boolean advance() {
        if (next == null) {
            if (articles != null) {
                if (articles.hasNext()) {
                    Article a = articles.next();
                    next = Document.of(a.title(), a.text());
                } else if (!eof) {
                    eof = true;
                    atEnd.run();
                }
                return next != null;
            }
            try {
                next = textField != null ? readJson() : readText();
            } catch (IOException e) {
                throw new UncheckedIOException(source + ": " + e.getMessage(), e);
            }
        }
        return next != null;
    }

    @Override
    public Document next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Document d = next;
        next = null;
        return d;
    }

    @Override
    public void close() throws IOException {
        if (articles != null) {
            articles.close();
            return;
        }
        in.close();
    }

    private String line() throws IOException {
        if (eof) {
            return null;
        }
        String l = in.readLine();
        if (l == null) {
            eof = true;
            atEnd.run();
        } else {
            lineNo++;
        }
        return l;
    }

    private Document readJson() throws IOException {
        String l;
        while ((l = line()) != null) {
            if (l.isBlank()) {
                continue;
            }
            String where = source + ":" + lineNo;
            JsonElement e;
            try {
                e = JsonParser.parseString(l);
            } catch (JsonParseException ex) {
                throw UserException.runtime(where + ": not a JSON line: " + llm.io.JsonProblem.describe(ex));
            }
            if (!e.isJsonObject()) {
                throw UserException.runtime(where + ": not a JSON object");
            }
            JsonObject o = e.getAsJsonObject();
            String id = where;
            if (idField != null) {
                JsonElement ide = o.get(idField);
                if (ide != null && !ide.isJsonNull()) {
                    id = ide.isJsonPrimitive() ? ide.getAsString() : ide.toString();
                }
            }
            JsonElement t = o.get(textField);
            if (t == null || t.isJsonNull()) {
                return Document.skipped(id, "no field '" + textField + "'");
            }
            if (!t.isJsonPrimitive() || !t.getAsJsonPrimitive().isString()) {
                return Document.skipped(id, "field '" + textField + "' is not a string");
            }
            return Document.of(id, t.getAsString().strip());
        }
        return null;
    }

    private Document readText() throws IOException {
        switch (split) {
            case NONE -> {
                if (docNo > 0) {
                    return null;
                }
                docNo++;
                StringBuilder b = new StringBuilder(); // the text as it is: what score's bytes count
                char[] buf = new char[1 << 14];
                for (int n; (n = in.read(buf)) > 0; ) {
                    b.append(buf, 0, n);
                }
                eof = true;
                atEnd.run();
                return b.toString().isBlank() ? null : Document.whole(source, b.toString(), inputBytes.getAsLong());
            }
            case LINE -> {
                String l;
                while ((l = line()) != null) {
                    if (!l.isBlank()) {
                        docNo++;
                        return Document.of(source + ":" + lineNo, l.strip());
                    }
                }
                return null;
            }
            case BLANK_LINE -> {
                StringBuilder b = new StringBuilder();
                String l;
                while ((l = line()) != null) {
                    if (l.isBlank()) {
                        if (!b.isEmpty()) {
                            break;
                        }
                    } else {
                        b.append(l).append('\n');
                    }
                }
                if (b.isEmpty()) {
                    return null;
                }
                docNo++;
                return Document.of(source + ":" + docNo, b.toString().strip());
            }
            case WIKITEXT -> {
                return readArticle();
            }
            default -> throw new IllegalStateException(String.valueOf(split));
        }
    }

    /** The next article: its heading is the id, the lines up to the next top-level heading its text. */
    private Document readArticle() throws IOException {
        while (true) {
            String title = pendingTitle;
            pendingTitle = null;
            StringBuilder b = new StringBuilder();
            String l;
            while ((l = line()) != null) {
                Matcher m = WIKI_HEADING.matcher(l);
                if (m.matches()) {
                    pendingTitle = m.group(1).strip();
                    break;
                }
                b.append(l).append('\n');
            }
            // keep the first line's leading space: WikiText lines start with one, and a BPE tokenizer encodes
            // " Robert" (as the model saw it after the heading line) differently from "Robert"
            String text = b.toString().replaceFirst("^(\\s*\n)+", "").stripTrailing();
            if (title == null && text.isEmpty()) {
                if (pendingTitle == null) {
                    return null; // end of input
                }
                continue; // the first heading: nothing before it
            }
            if (title == null) {
                title = source + ":preamble";
            }
            docNo++;
            return Document.of(title, text); // an empty article is reported as too short, like any short document
        }
    }
}
