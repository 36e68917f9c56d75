package llm.data;

import llm.UserException;

/**
 * How validation text is held out of a training source.
 *
 * <ul>
 *   <li>{@code TAIL}: the last {@code fraction} of each source's tokens (nanoGPT's {@code data[int(n*0.9):]}); works
 *       for a single long document such as tiny Shakespeare.</li>
 *   <li>{@code DOCUMENTS}: a {@code fraction} of each source's documents, spread evenly (document i is held out when
 *       ⌊(i+1)·f⌋ > ⌊i·f⌋), so no document is split between train and validation. For token shards, which keep no
 *       document boundaries, it falls back to TAIL.</li>
 * </ul>
 */
public record ValSplit(Kind kind, double fraction) {
    public enum Kind { NONE, TAIL, DOCUMENTS }

    public static final ValSplit NONE = new ValSplit(Kind.NONE, 0);

    public ValSplit {
        if (kind != Kind.NONE && !(fraction > 0 && fraction < 1)) {
            throw UserException.usage("--val-fraction must be within (0, 1), not " + fraction);
        }
    }

    public static ValSplit tail(double fraction) {
        return new ValSplit(Kind.TAIL, fraction);
    }

    public static ValSplit documents(double fraction) {
        return new ValSplit(Kind.DOCUMENTS, fraction);
    }

    /** Under DOCUMENTS: is the {@code index}-th document (from 0) of a source held out? */
    public boolean holdsOut(long index) {
        return kind == Kind.DOCUMENTS && Math.floor((index + 1) * fraction) > Math.floor(index * fraction);
    }

    /** Under TAIL: where a source of {@code n} tokens is cut (tokens before go to training). */
    public long cut(long n) {
        return kind == Kind.TAIL || kind == Kind.DOCUMENTS ? n - (long) Math.floor(n * fraction) : n;
    }
}
