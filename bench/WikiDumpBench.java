// One stage of MediaWiki dump reading, for bench/wikidump.sh:
//   java -cp 'target/classes:target/lib/*' bench/WikiDumpBench.java decompress|pages|articles FILE
// decompress: the bytes of FILE decompressed (bzip2 multistream on all cores), counted; pages: + StAX, the articles'
// wikitext; articles: + wikitext -> plain text (on all cores). Prints what it counted.

import java.io.BufferedInputStream;
import java.io.InputStream;
import llm.data.wiki.Article;
import llm.data.wiki.Articles;
import llm.data.wiki.DumpReader;
import llm.io.Inputs;

public class WikiDumpBench {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String file = args[1];
        long n = 0;
        long chars = 0;
        switch (mode) {
            case "decompress" -> {
                byte[] buf = new byte[1 << 16];
                try (InputStream in = Inputs.open(file)) {
                    for (int k; (k = in.read(buf)) >= 0; ) {
                        chars += k;
                    }
                }
            }
            case "pages" -> {
                try (DumpReader r = DumpReader.open(new BufferedInputStream(Inputs.open(file), 1 << 16), file)) {
                    while (r.hasNext()) {
                        chars += r.next().wikitext().length();
                        n++;
                    }
                }
            }
            case "articles" -> {
                try (Articles a = Articles.open(new BufferedInputStream(Inputs.open(file), 1 << 16), file)) {
                    while (a.hasNext()) {
                        Article x = a.next();
                        chars += x.text().length();
                        n++;
                    }
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
        System.out.println(mode + ": " + n + " articles, " + chars + (mode.equals("decompress") ? " bytes" : " chars"));
    }
}
