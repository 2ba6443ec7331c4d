package ai.maya1.cuda;

import ai.maya1.spi.Availability;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks GPU tests: they are skipped, with the availability reason ("no libcuda.so.1 ...", "no CUDA device"), where
 * no usable CUDA device exists. A CPU emulation is never substituted.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresGpu.Condition.class)
public @interface RequiresGpu {
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Availability a = Cuda.availability();
            return a.available() ? ConditionEvaluationResult.enabled("CUDA: " + a.reason())
                    : ConditionEvaluationResult.disabled("skipped, no GPU: " + a.reason());
        }
    }
}
