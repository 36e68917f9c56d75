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
 */
public record Corpus(List<Source> sources, Tokens val, int separator) {

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

    /** Training tokens in one pass of the mixture: Σ weight × tokens. */
    public double tokensPerPass() {
        double t = 0;
        for (Source s : sources) {
            t += s.spec().weight() * s.train().size();
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
        return new Corpus(sources, Tokens.concat(parts), separator);
    }

    /** The mixture as training.json records it. */
    public List<TrainingRun.DataSource> describe(String role) {
        List<TrainingRun.DataSource> out = new ArrayList<>();
        for (Source s : sources) {
            out.add(new TrainingRun.DataSource(s.spec().spec(), s.spec().path().toString(), s.spec().weight(),
                    s.documents() - s.valDocuments(), s.train().size(), role));
        }
        return out;
    }
}
