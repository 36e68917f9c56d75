import com.google.gson.Gson;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import llm.data.wiki.Wikitext;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * For bench/wikiextractor-compare.sh: the articles of a MediaWiki dump (.xml or .xml.bz2) through
 * {@link Wikitext#plainText}, as JSON Lines {"title": …, "text": …}. Main namespace, no redirects. A small StAX loop
 * of its own, so the comparison does not depend on the dump reader of the main code; then the timing of the
 * cleaner alone (wikitext already in memory; thread CPU time, so a loaded machine skews it less) on stderr.
 * usage: java -cp "target/llm.jar:target/lib/*" bench/WikiDumpText.java DUMP > articles.jsonl
 */
public class WikiDumpText {
    public static void main(String[] args) throws Exception {
        Path dump = Path.of(args[0]);
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        Gson gson = new Gson();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.List<String> texts = new java.util.ArrayList<>();
        long chars = 0;
        long nanos = 0;
        int articles = 0;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(dump));
             InputStream in = dump.toString().endsWith(".bz2") ? new BZip2CompressorInputStream(raw, true) : raw) {
            XMLStreamReader r = f.createXMLStreamReader(in);
            String title = null;
            String ns = null;
            String text = null;
            boolean redirect = false;
            while (r.hasNext()) {
                int e = r.next();
                if (e != XMLStreamConstants.START_ELEMENT && e != XMLStreamConstants.END_ELEMENT) {
                    continue;
                }
                String name = r.getLocalName();
                if (e == XMLStreamConstants.START_ELEMENT) {
                    switch (name) {
                        case "page" -> { title = null; ns = null; text = null; redirect = false; }
                        case "title" -> title = r.getElementText();
                        case "ns" -> ns = r.getElementText().strip();
                        case "redirect" -> redirect = true;
                        case "text" -> text = r.getElementText();
                        default -> { }
                    }
                } else if (name.equals("page") && "0".equals(ns) && !redirect && text != null
                        && !text.regionMatches(true, 0, "#REDIRECT", 0, 9)) {
                    long t0 = cpu.getCurrentThreadCpuTime();
                    String plain = Wikitext.plainText(text);
                    nanos += cpu.getCurrentThreadCpuTime() - t0;
                    texts.add(text);
                    chars += text.length();
                    articles++;
                    Map<String, String> doc = new LinkedHashMap<>();
                    doc.put("title", title);
                    doc.put("text", plain);
                    out.println(gson.toJson(doc));
                }
            }
        }
        out.flush();
        System.err.printf("cleaner, first pass (JIT cold): %d articles, %.1f M chars of wikitext, %.2f CPU-s%n",
                articles, chars / 1e6, nanos / 1e9);
        long[] warm = new long[5];
        for (int rep = 0; rep < warm.length; rep++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            for (String t : texts) {
                Wikitext.plainText(t);
            }
            warm[rep] = cpu.getCurrentThreadCpuTime() - t0;
        }
        java.util.Arrays.sort(warm);
        System.err.printf("cleaner, warm (median of 5 passes): %.2f CPU-s = %.1f M chars of wikitext per CPU-s%n",
                warm[2] / 1e9, chars / 1e6 / (warm[2] / 1e9));
    }
}
