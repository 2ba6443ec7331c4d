package ai.maya1.acoustic.llama;

import ai.maya1.Maya1Exception;

/** A request's KV cache would exceed the model's KV memory budget (with the requests already running). */
public class KvBudgetExceededException extends Maya1Exception {
    private final long requestedBytes;
    private final long availableBytes;

    public KvBudgetExceededException(long requestedBytes, long availableBytes, long budgetBytes) {
        super("KV cache of " + requestedBytes + " bytes does not fit the KV budget: " + availableBytes + " of " + budgetBytes
                + " bytes free (lower the context length or max tokens, use a BF16 cache, or raise the budget)");
        this.requestedBytes = requestedBytes;
        this.availableBytes = availableBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public long availableBytes() {
        return availableBytes;
    }
}
