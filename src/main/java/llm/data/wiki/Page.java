package llm.data.wiki;

/** An article of a MediaWiki dump: its title and its wikitext, as stored (not yet made plain text). */
public record Page(String title, String wikitext) {}
