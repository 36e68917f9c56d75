package llm.data.wiki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WikitextTest {
    private static void check(String expected, String wikitext) {
        String actual = Wikitext.plainText(wikitext);
        if (!expected.equals(actual)) { // the message shortened: the nesting cases are 200k characters long
            assertEquals(expected, abbreviate(actual), abbreviate(wikitext));
        }
    }

    private static String abbreviate(String s) {
        int n = s.length();
        return n <= 200 ? s : s.substring(0, 100) + "…(" + n + " chars)…" + s.substring(n - 100);
    }

    @Test
    void templatesNestedWithParametersAreRemoved() {
        check("Before after.", "Before {{a|x={{b|{{c}}}}|y}} after.");
        check("Text.", "Text{{{param|{{default}}}}}.");
        check("x y", "x {{Infobox\n| name = {{lang|fr|Nom}}\n| image = [[File:A.jpg|thumb]]\n}} y");
        check("Aardvark is a mammal.", "{{Short description|Mammal}}\n{{Use dmy dates}}\n'''Aardvark''' is a mammal.");
        check("a } b", "a } b"); // lone braces are text
    }

    @Test
    void parenthesesLeftByRemovedTemplatesAreTidied() {
        check("The aardvark (Orycteropus afer) is a mammal.",
                "The '''aardvark''' ({{IPAc-en|ˈ|ɑːr|d|.|v|ɑːr|k}} {{respell|ARD|vark}}; ''Orycteropus afer'') is a mammal.");
        check("Born (14 March 1879).", "Born ({{IPA|x}}; ; 14 March 1879).");
        check("Ulm (a city) lies here.", "Ulm ({{lang|de|x}}, a city{{efn|y}};) lies here.");
        check("Ulm lies here.", "Ulm ({{lang|de|x}}) lies here."); // "()" goes, with the space before it
        check("Ulm lies here.", "Ulm ( {{lang|de|x}} ; ) lies here.");
        check("土豚是一种动物。", "土豚（{{lang|la|x}}）是一种动物。"); // full-width parentheses too
        check("东京是首都。", "东京({{lang|ja|x}})是首都。");
    }

    @Test
    void aCallsEmptyParenthesesStay() {
        check("Call f() or main_loop() first.", "Call <code>f()</code> or main_loop() first.");
        check("Use len(x) and g.", "Use len(x) and g ({{efn|x}})."); // after a space: a removed template's
    }

    @Test
    void wikiLinks() {
        check("the continent", "[[Africa|the continent]]");
        check("Africa", "[[Africa]]");
        check("mammals and aardvarks", "[[mammal]]s and [[aardvark]]s");
        check("Paris", "[[Paris, Texas|]]");
        check("Category:Mammals", "[[:Category:Mammals]]");
        check("Help text", "[[Help:Contents|Help text]]");
    }

    @Test
    void fileCategoryAndInterlanguageLinksAreRemoved() {
        check("Text.", "Text.[[File:A.jpg|thumb|A [[b|nested]] caption with [[c]] links]]");
        check("Text.", "[[Image:B.png|200px]]Text.[[Category:Mammals| ]][[fr:Oryctérope]][[zh-yue:土豚]]");
        check("Text.", "Text.[[分类:哺乳动物]][[文件:A.jpg|缩略图]]");
        check("AC: A Title and wikt:word", "[[AC: A Title]] and [[wikt:word]]"); // not interlanguage links
    }

    @Test
    void externalLinks() {
        check("See the site.", "See [http://example.org the site].");
        check("See.", "See [https://example.org].");
        check("Visit http://example.org now", "Visit http://example.org now");
        check("[not a link]", "[not a link]");
        check("a http://x b\n\nc", "a [http://x b\n\nc"); // never closed on its line: the URL and text stay
    }

    @Test
    void boldAndItalic() {
        check("bold italic both", "'''bold''' ''italic'' '''''both'''''");
        check("l'amour", "l'amour");
        check("'bold", "''''bold'''"); // four quotes: an apostrophe, then bold
    }

    @Test
    void refsCommentsAndTags() {
        check("Fact.", "Fact.<ref name=\"a\">{{cite web|url=http://x}}</ref>");
        check("Fact. More.", "Fact.<ref name=a/> More.<ref name=\"b\" />");
        check("Visible.", "Visible.<!-- hidden [[link]] {{t}} -->");
        check("Visible", "Visible<!-- never closed");
        check("H2O and x2", "H<sub>2</sub>O and x<sup>2</sup>");
        check("a b", "a<br/>b");
        check("bold text", "<b>bold</b> <span style=\"color:red\">text</span>");
        check("a < b and c > d", "a < b and c > d");
        check("The formula holds.", "The formula <math>x^2 + {y}</math> holds.");
        check("Code: [[x]] {{y}}", "Code: <nowiki>[[x]] {{y}}</nowiki>");
        check("Text.", "Text.<gallery>\nFile:A.jpg|caption\n</gallery>");
        check("Cite closes at the plain end tag.", "Cite<ref>a</ref name\"x\"> b</ref> closes at the plain end tag.");
    }

    @Test
    void tablesNestedAreRemoved() {
        check("Before.\n\nAfter.",
                "Before.\n{| class=\"wikitable\"\n|-\n! H1 !! H2\n|-\n| a || b\n|-\n|\n{|\n| inner\n|}\n|}\nAfter.");
        check("Before.", "Before.\n{|\n| never closed\n"); // a table runs to the end of the page
        check("x", "{{Infobox\n|}}\nx"); // "|}}" closes the template, not a table
        check("a\n\nb", "a\n:{| class=x\n| cell\n|}\nb"); // an indented table
    }

    @Test
    void entities() {
        check("a b < c > d & e — f ƒ 中 中", "a&nbsp;b &lt; c &gt; d &amp; e &mdash; f &fnof; &#20013; &#x4E2D;");
        check("&amp; stays once", "&amp;amp; stays once");
        check("&bogus; stays", "&bogus; stays");
    }

    @Test
    void headingsListsAndMagicWords() {
        check("Intro.\n\nHistory\n\nText.\n\nEarly life\n\nMore.",
                "__NOTOC__\nIntro.\n== History ==\nText.\n===Early life===\nMore.\n__TOC__");
        check("Items:\n\none\ntwo\nthree\nterm\ndefinition",
                "Items:\n* one\n** two\n# three\n; term\n: definition");
        check("Text.", "Text.\n----\n");
        check("Text.\n\nAfter a rule.", "Text.\n---- After a rule.");
        check("!Kung people live there.", "!Kung people live there.\n! a !! b\n| c");
        check("__init__ stays", "__init__ stays");
    }

    @Test
    void paragraphsJoinLinesAndBlankLinesSeparateThem() {
        check("One line and the next.\n\nSecond paragraph.", "One line\nand the next.\n\n\nSecond paragraph.");
        check("第一行接着第二行。English 中文", "第一行\n接着第二行。\nEnglish\n中文");
    }

    @Test
    void nonProseSectionsAndEmptySectionsAreDropped() {
        check("Text.\n\nHistory\n\nOld.",
                "Text.\n== History ==\nOld.\n== Gallery ==\n== See also ==\n* [[X]]\n== References ==\n{{Reflist}}\n"
                        + "=== Sources ===\n* a\n== External links ==\n* [http://x site]\n[[Category:Y]]");
        check("正文。", "正文。\n== 参考文献 ==\n{{reflist}}\n== 外部链接 ==\n* [http://x 网站]");
    }

    @Test
    void chineseVariantMarkup() {
        check("计算机和原文", "-{zh-hans:计算机; zh-hant:電腦;}-和-{原文}-");
        check("电脑", "-{zh-tw:電腦;zh-cn:电脑}-");
        check("raw", "-{R|raw}-");
        check("a b", "-{zh-hans:a&nbsp;b;zh-hant:c&nbsp;d;}-"); // an entity's ';' does not end a rule
        check("x", "-{H|zh-hans:计算机;zh-hant:電腦;}-x-{T|zh-hans:标题;zh-hant:標題}-");
        check("A", "-{A|zh-hans:A;zh-hant:B}-");
    }

    @Test
    void anEnglishPage() {
        String page = """
                {{Short description|Species of mammal}}
                {{Speciesbox
                | name = Aardvark
                | status = LC
                | image = Porc formiguer.JPG
                }}
                The '''aardvark''' ({{IPAc-en|ˈ|ɑːr|d|.|v|ɑːr|k}} {{respell|ARD|vark}}; ''Orycteropus afer'') is a \
                medium-sized, burrowing, [[nocturnal]] [[mammal]] native to [[Africa]].<ref name="MSW3">{{MSW3 \
                Tubulidentata|id=11400005}}</ref><ref>{{cite journal|title=x}}</ref> It is the only living \
                species of the [[order (biology)|order]] [[Tubulidentata]].

                == Taxonomy ==
                [[File:Aardvark skeleton.jpg|thumb|left|Skeleton of an [[aardvark]]]]
                The aardvark was named by [[Peter Simon Pallas|Pallas]] in 1766.<ref name=Pallas/>

                {| class="wikitable"
                |+ Subspecies
                |-
                ! Name !! Range
                |-
                | ''O. a. afer'' || [[South Africa]]
                |}

                == References ==
                {{Reflist}}

                == External links ==
                * {{Commons category|Orycteropus afer}}

                [[Category:Tubulidentata]]
                [[de:Erdferkel]]
                """;
        check("The aardvark (Orycteropus afer) is a medium-sized, burrowing, nocturnal mammal native to Africa. "
                + "It is the only living species of the order Tubulidentata.\n\n"
                + "Taxonomy\n\nThe aardvark was named by Pallas in 1766.", page);
    }

    @Test
    void aChinesePage() {
        String page = """
                {{Otheruses|subject=哺乳动物|other=其他用法}}
                {{Taxobox
                | name = 土豚
                | image = Orycteropus afer.jpg
                }}
                '''土豚'''（[[学名]]：''Orycteropus afer''）是一种[[非洲]]的-{zh-hans:哺乳动物;zh-hant:哺乳動物;}-，\
                是[[管齿目]]唯一的现存物种。<ref>{{cite book|title=x}}</ref>它们在夜间活动。

                == 分类 ==
                土豚由[[彼得·西蒙·帕拉斯|帕拉斯]]于1766年命名。<!-- 注释 -->

                == 参考文献 ==
                {{reflist}}

                [[Category:管齿目]]
                [[en:Aardvark]]
                """;
        check("土豚（学名：Orycteropus afer）是一种非洲的哺乳动物，是管齿目唯一的现存物种。它们在夜间活动。\n\n"
                + "分类\n\n土豚由帕拉斯于1766年命名。", page);
    }

    @Test
    void deeplyNestedOpenersNeitherOverflowNorHang() {
        int n = 100_000;
        check("after", "{{".repeat(n) + "x" + "}}".repeat(n) + "after");
        check("before after", "before " + "{{".repeat(n) + " after"); // never closed: openers dropped
        // one run of brackets: only the innermost pair forms a link, the rest is text (as in MediaWiki)
        check("[[".repeat(n - 1) + "x" + "]]".repeat(n - 1), "[[".repeat(n) + "x" + "]]".repeat(n));
        // links nest at most 64 deep; deeper openers are text, which keeps the rewriting linear
        int text = n - Brackets.MAX_TEXT_NESTING;
        check("[[a|".repeat(text) + "x" + "]]".repeat(text), "[[a|".repeat(n) + "x" + "]]".repeat(n));
        check("x", "[[File:a|".repeat(n) + "x" + "]]".repeat(n) + "x");
        // never closed: the 64 openers that made frames are dropped, deeper ones were text from the start
        check("a" + "-{".repeat(text), "a" + "-{".repeat(n));
        check("t", "t\n" + "{|\n".repeat(n) + "|}\n".repeat(n));
        check("x", "<b>".repeat(n) + "x" + "</b>".repeat(n));
        check("x", "<ref>".repeat(n) + "x"); // unclosed: the tags go, the text stays
        check("<ref name=\"".repeat(n) + "x", "<ref name=\"".repeat(n) + "x"); // no closing >: text, as in MediaWiki
        check("&".repeat(n) + " x", "&".repeat(n) + " x");
        check("x", "<!--".repeat(n) + "-->x");
        String mixed = "{{[[-{".repeat(n / 3) + "x";
        assertTrue(Wikitext.plainText(mixed).endsWith("x"));
        String unbalanced = "]]}}|}".repeat(n) + "end";
        assertTrue(Wikitext.plainText(unbalanced).endsWith("end"));
    }

    @Test
    void emptyAndRedirectLikeInput() {
        check("", "");
        check("", "{{Disambiguation}}\n[[Category:X]]");
    }
}
