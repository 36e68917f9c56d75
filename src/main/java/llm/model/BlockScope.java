package llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Where one transformer block's intermediates live during a forward. While decoding (a forward with a {@link KvCache}:
 * nothing records gradients), in a manager of the block's own, closed when the block is done, so that a prefill holds
 * one block's activations at a time: without it every block's stayed until the step's scope closed — for a batch of
 * 32 prompts of 33 tokens through GPT-2 small ~0.85 GB, for 128 prompts 3.4 GB, every page of it new memory the kernel
 * zeroes on first touch (~11 µs a page on the 2-core VM: a 128-row prefill of memorize-check took 9–10 s, 4 s of it
 * arithmetic; bench/RESULTS.md, issue 20). Otherwise (training, scoring) the intermediates stay where they are: the
 * backward pass needs them.
 *
 * <pre>{@code
 * try (BlockScope s = BlockScope.open(x, cache != null)) {
 *     x = s.enter(x);   // the block's input moves in (it is not needed after the block)
 *     ...               // results land in x's manager, as every op's do
 *     x = s.leave(x);   // the block's output moves back out
 * }
 * }</pre>
 */
final class BlockScope implements AutoCloseable {
    private final NDManager outer;
    private final NDManager inner; // null: the intermediates stay in outer

    private BlockScope(NDManager outer, NDManager inner) {
        this.outer = outer;
        this.inner = inner;
    }

    /** A scope for the block about to run on {@code x}; its own manager only when {@code free}. */
    static BlockScope open(NDArray x, boolean free) {
        NDManager outer = x.getManager();
        return new BlockScope(outer, free ? outer.newSubManager() : null);
    }

    /** The block's input, moved into the block's manager (freed with it). */
    NDArray enter(NDArray x) {
        if (inner != null) {
            x.attach(inner);
        }
        return x;
    }

    /** The block's output, moved back to the manager the forward runs in. */
    NDArray leave(NDArray y) {
        if (inner != null) {
            y.attach(outer);
        }
        return y;
    }

    @Override
    public void close() {
        if (inner != null) {
            inner.close();
        }
    }
}
