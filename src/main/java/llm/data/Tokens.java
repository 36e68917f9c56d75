package llm.data;

import java.util.Arrays;
import java.util.List;

/**
 * A read-only sequence of token ids, in memory or in token shards on disk; long-indexed so a corpus can exceed
 * 2^31 tokens. Implementations are safe for concurrent reads.
 */
public interface Tokens {
    long size();

    /** Copy {@code len} ids starting at {@code from} into {@code dst[off..]}. */
    void read(long from, int[] dst, int off, int len);

    /** Throws unless {@code [from, from + len)} lies within {@code [0, size)}: the check every {@link #read} makes. */
    static void checkRead(long from, int len, long size) {
        if (from < 0 || from + len > size) {
            throw new IndexOutOfBoundsException("read [" + from + ", " + (from + len) + ") of " + size);
        }
    }

    default int get(long i) {
        int[] one = new int[1];
        read(i, one, 0, 1);
        return one[0];
    }

    /** The ids {@code [from, to)} as an array (to − from must fit an int). */
    default int[] slice(long from, long to) {
        int[] a = new int[Math.toIntExact(to - from)];
        read(from, a, 0, a.length);
        return a;
    }

    /** A view of {@code [from, to)}. */
    default Tokens range(long from, long to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + size());
        }
        Tokens base = this;
        return new Tokens() {
            @Override
            public long size() {
                return to - from;
            }

            @Override
            public void read(long at, int[] dst, int off, int len) {
                checkRead(at, len, to - from);
                base.read(from + at, dst, off, len);
            }
        };
    }

    static Tokens of(int... ids) {
        return new Array(ids, ids.length);
    }

    /** Ids held in an int array (its first {@code length} entries). */
    record Array(int[] ids, int length) implements Tokens {
        @Override
        public long size() {
            return length;
        }

        @Override
        public void read(long from, int[] dst, int off, int len) {
            Tokens.checkRead(from, len, length);
            System.arraycopy(ids, (int) from, dst, off, len);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Array a && Arrays.equals(ids, 0, length, a.ids, 0, a.length);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(Arrays.copyOf(ids, length));
        }
    }

    /** Several sequences one after the other. */
    static Tokens concat(List<? extends Tokens> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        long[] starts = new long[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) {
            starts[i + 1] = starts[i] + parts.get(i).size();
        }
        List<Tokens> ps = List.copyOf(parts);
        return new Tokens() {
            @Override
            public long size() {
                return starts[ps.size()];
            }

            @Override
            public void read(long from, int[] dst, int off, int len) {
                checkRead(from, len, size());
                int p = Arrays.binarySearch(starts, from);
                p = p >= 0 ? p : -p - 2;
                while (len > 0) {
                    while (starts[p + 1] <= from) {
                        p++;
                    }
                    int n = (int) Math.min(len, starts[p + 1] - from);
                    ps.get(p).read(from - starts[p], dst, off, n);
                    from += n;
                    off += n;
                    len -= n;
                }
            }
        };
    }
}
