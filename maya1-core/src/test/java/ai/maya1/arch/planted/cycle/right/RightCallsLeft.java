package ai.maya1.arch.planted.cycle.right;

import ai.maya1.arch.planted.cycle.left.LeftCallsRight;

/** The other half of the planted package cycle. */
public final class RightCallsLeft {
    public static int value() {
        return 1;
    }

    public static int back() {
        return LeftCallsRight.call();
    }
}
