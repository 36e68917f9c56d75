package llm.data;

import java.util.ArrayList;
import java.util.List;
import llm.compute.TrainingRun;

/**
 * Tokenized training data: each {@code --data} source's tokens (documents each followed by the separator id), split
 * into a training part and a held-out validation part, plus the mixture weights. Built by {@link CorpusBuilder}.
 *
 * @param sources   the sources in --data order
 * @param val       validation tokens: the held-out parts of all sources (or --val-data), one after the other
 * @param separator the end-of-text id that follows every document
 * @param context   the training context T ({@link #forContext}); 0 while unknown. A source with fewer than T + 1
 *                  training tokens gives no window: the {@link Batcher} skips it (with a warning), and so do
 *                  {@link #tokensPerPass()} and {@link #describe}
 */
public record Corpus(List<Source> sources, Tokens val, int separator, int context) {

    public Corpus(List<Source> sources, Tokens val, int separator) {
        this(sources, val, separator, 0);
    }

    /** This corpus for training with context {@code t}: sources too short for one window count as unused. */
    public Corpus forContext(int t) {
        return new Corpus(sources, val, separator, t);
    }

    /** Does {@code s} give at least one training window (always true while the context is unknown)? */
    public boolean used(Source s) {
        return context <= 0 || s.train().size() >= context + 1L;
    }

    /**
     * One source.
     *
     * @param spec         the --data spec (path and weight)
     * @param train        training tokens
     * @param val          held-out tokens (empty without a split)
     * @param documents    documents read (training + held out; 0 for token shards, which keep no boundaries)
     * @param valDocuments documents held out
     * @param bytes        UTF-8 bytes of text read (0 for token shards)
     */
    public record Source(DataSpec spec, Tokens train, Tokens val, long documents, long valDocuments, long bytes) {
        public long tokens() {
            return train.size() + val.size();
        }
    }

    /** The training parts with their weights, for a {@link Batcher}. */
    public List<Batcher.Source> batcherSources() {
        List<Batcher.Source> out = new ArrayList<>();
        for (Source s : sources) {
            out.add(new Batcher.Source(s.spec().toString(), s.train(), s.spec().weight()));
        }
        return out;
    }

    /** Training tokens in one pass of the mixture: Σ weight × tokens over the sources used. */
    public double tokensPerPass() {
        double t = 0;
        for (Source s : sources) {
            if (used(s)) {
                t += s.spec().weight() * s.train().size();
            }
        }
        return t;
    }

    /** This corpus with {@code other}'s tokens (all of them) as the validation set: {@code --val-data}. */
    public Corpus withValidation(Corpus other) {
        List<Tokens> parts = new ArrayList<>();
        for (Source s : other.sources) {
            parts.add(s.train());
            parts.add(s.val());
        }
        return new Corpus(sources, Tokens.concat(parts), separator, context);
    }

    /**
     * The mixture as training.json records it; a source too short for one window ({@link #used}) has role
     * {@code "unused"} and 0 documents and tokens.
     */
    public List<TrainingRun.DataSource> describe(String role) {
        List<TrainingRun.DataSource> out = new ArrayList<>();
        for (Source s : sources) {
            boolean used = used(s);
            out.add(new TrainingRun.DataSource(s.spec().spec(), s.spec().path().toString(), s.spec().weight(),
                    used ? s.documents() - s.valDocuments() : 0, used ? s.train().size() : 0, used ? role : "unused"));
        }
        return out;
    }
}
