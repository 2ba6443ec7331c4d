package ai.maya1.arch.planted.cycle.left;

import ai.maya1.arch.planted.cycle.right.RightCallsLeft;

/** Half of a planted package cycle (left -> right -> left): the layering rule must reject it. */
public final class LeftCallsRight {
    public static int call() {
        return RightCallsLeft.value() + 1;
    }
}
