package llm.data.wiki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import llm.data.CorpusOptions;
import llm.data.CorpusReader;
import llm.eval.memorize.Document;
import llm.eval.memorize.DocumentReader;
import llm.eval.memorize.DocumentSource;
import llm.eval.memorize.Split;
import llm.io.Inputs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real English dump of ../shared, as Wikimedia ships it: every reader sees its articles as documents. */
class SharedDumpTest {
    static final Path DUMP = Path.of(System.getProperty("llm.shared", "../shared"))
            .resolve("data/wikipedia-dumps/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2");
    static List<Article> articles;
    static Set<String> redirectTitles;
    static long pages;

    @BeforeAll
    static void read() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(DUMP), "../shared not present");
        articles = new ArrayList<>();
        try (Articles a = Articles.open(new BufferedInputStream(Inputs.open(DUMP.toString())), DUMP.toString())) {
            a.forEachRemaining(articles::add);
        }
        // the redirects, told apart here without the reader: the pages with a <redirect .../> element
        String xml;
        try (InputStream in = Inputs.open(DUMP.toString())) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        redirectTitles = new HashSet<>();
        Matcher m = Pattern.compile("<page>\\s*<title>([^<]*)</title>(.*?)</page>", Pattern.DOTALL).matcher(xml);
        while (m.find()) {
            pages++;
            if (m.group(2).contains("<redirect")) {
                redirectTitles.add(m.group(1).replace("&amp;", "&"));
            }
        }
    }

    @Test
    void atLeastAHundredArticlesTitledAndNoneOfTheRedirects() {
        assertEquals(206, pages);
        assertEquals(100, redirectTitles.size());
        assertEquals(106, articles.size());
        List<String> titles = articles.stream().map(Article::title).toList();
        assertEquals(List.of("Anarchism", "Autism", "Albedo", "A", "Alabama"), titles.subList(0, 5));
        assertTrue(titles.containsAll(List.of("Aardvark", "Aardwolf", "Albert Einstein", "Algorithm", "Apollo 11",
                "Aristotle", "Abraham Lincoln")), titles.toString());
        assertEquals(titles.size(), new HashSet<>(titles).size(), "titles are unique");
        for (String t : titles) {
            assertFalse(redirectTitles.contains(t), t + " is a redirect");
        }
        for (Article a : articles) {
            assertFalse(a.text().regionMatches(true, 0, "#REDIRECT", 0, 9), a.title());
        }
        Article aardvark = articles.stream().filter(a -> a.title().equals("Aardvark")).findFirst().orElseThrow();
        assertTrue(aardvark.text().startsWith("The aardvark"), aardvark.text().substring(0, 80));
    }

    @Test
    void memorizeCheckAndScoreSeeTheArticlesWithTitlesAsIds() throws IOException {
        List<Document> docs = new ArrayList<>();
        try (DocumentReader r = DocumentSource.open(DUMP.toString(), Split.LINE, null, null)) {
            r.forEachRemaining(docs::add);
        }
        assertEquals(articles.size(), docs.size());
        for (int i = 0; i < docs.size(); i++) {
            assertEquals(Document.of(articles.get(i).title(), articles.get(i).text()), docs.get(i));
        }
    }

    @Test
    void trainSeesOneDocumentPerNonEmptyArticle() {
        List<String> docs = CorpusReader.documents(DUMP, CorpusOptions.DEFAULT);
        List<String> want = articles.stream().map(Article::text).filter(t -> !t.isEmpty()).toList();
        assertEquals(want, docs);
    }

    @Test
    void itsMultistreamFormReadsTheSame(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path multi = multistream(tmp.resolve("multistream.xml.bz2"));
        List<Article> again = new ArrayList<>();
        try (Articles a = Articles.open(new BufferedInputStream(Inputs.open(multi.toString())), multi.toString())) {
            a.forEachRemaining(again::add);
        }
        assertEquals(articles, again);
    }

    /** The shared dump re-packed Wikimedia's multistream way at {@code to}: header, 100 pages per bzip2 stream, footer. */
    static Path multistream(Path to) throws IOException {
        String xml;
        try (InputStream in = Inputs.open(DUMP.toString())) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int first = xml.indexOf("  <page>");
        int end = xml.lastIndexOf("</page>") + "</page>\n".length();
        List<String> parts = new ArrayList<>(List.of(xml.substring(0, first)));
        Matcher m = Pattern.compile("  <page>.*?</page>\n", Pattern.DOTALL).matcher(xml.substring(first, end));
        StringBuilder group = new StringBuilder();
        int n = 0;
        while (m.find()) {
            group.append(m.group());
            if (++n % 100 == 0) {
                parts.add(group.toString());
                group.setLength(0);
            }
        }
        parts.add(group.toString());
        parts.add(xml.substring(end));
        assertEquals(xml, String.join("", parts));
        Path multi = to;
        try (var out = Files.newOutputStream(multi)) {
            for (String p : parts) {
                var z = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(
                        new java.io.FilterOutputStream(out) {
                            @Override
                            public void close() throws IOException {
                                flush(); // the file stays open for the next stream
                            }
                        });
                z.write(p.getBytes(StandardCharsets.UTF_8));
                z.close();
            }
        }
        return to;
    }
}
