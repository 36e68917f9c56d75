package llm.data.wiki;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import llm.io.Futures;
import llm.io.Log;

/**
 * The articles of a dump as plain text, in dump order: {@link DumpReader} pages through {@link Wikitext#plainText},
 * the cleaning done on all cores a few pages ahead of the reader ({@link #AHEAD} per core at most, so memory stays
 * bounded by a few pages). An error of the dump (malformed XML, a truncated file) is thrown by {@link #hasNext} after
 * every article before it was given out.
 *
 * <pre>{@code
 * try (Articles a = Articles.open(in, "enwiki.xml.bz2")) {   // in: decompressed, DumpFormat.isDump(in) was true
 *     while (a.hasNext()) { Article x = a.next(); ... x.title() ... x.text() ... }
 * }   // logs "enwiki.xml.bz2: 106 articles (206 pages: 99 redirects, 1 in other namespaces)" at debug level
 * }</pre>
 */
public final class Articles implements Iterator<Article>, Closeable {
    static final int AHEAD = 4;
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "wikitext-cleaner");
        t.setDaemon(true);
        return t;
    });

    private final DumpReader pages;
    private final String source;
    private final Deque<Future<Article>> ahead = new ArrayDeque<>();
    private RuntimeException error;
    private boolean told;
    private boolean failed;

    private Articles(DumpReader pages, String source) {
        this.pages = pages;
        this.source = source;
    }

    /** The articles of the dump {@code in} (decompressed, at its start); {@code name} names it in messages. */
    public static Articles open(BufferedInputStream in, String name) {
        return new Articles(DumpReader.open(in, name), llm.io.Inputs.displayName(name));
    }

    @Override
    public boolean hasNext() {
        while (error == null && !failed && ahead.size() < AHEAD * THREADS) {
            try {
                if (!pages.hasNext()) {
                    break;
                }
            } catch (RuntimeException e) {
                error = e; // given after the articles before it
                break;
            }
            Page p = pages.next();
            ahead.add(POOL.submit(() -> new Article(p.title(), Wikitext.plainText(p.wikitext()))));
        }
        if (!ahead.isEmpty()) {
            return true;
        }
        if (error != null) {
            RuntimeException e = error;
            error = null;
            failed = true; // once: then the end
            throw e;
        }
        if (!told && !failed) {
            told = true;
            DumpReader.Counts n = pages.counts();
            Log.debug("%s: %,d articles (%,d pages: %,d redirects, %,d in other namespaces)", source, n.articles(),
                    n.pages(), n.redirects(), n.otherNamespaces());
        }
        return false;
    }

    @Override
    public Article next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return Futures.get(ahead.poll(), e -> new IllegalStateException("interrupted", e), IllegalStateException::new);
    }

    @Override
    public void close() throws IOException {
        for (Future<Article> f : ahead) {
            f.cancel(true);
        }
        ahead.clear();
        pages.close();
    }
}
