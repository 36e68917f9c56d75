package llm.data.wiki;

/** An article of a MediaWiki dump as a document: its title (the document's id) and its plain text. */
public record Article(String title, String text) {}
