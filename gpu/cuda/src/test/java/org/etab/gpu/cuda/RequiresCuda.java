package org.etab.gpu.cuda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test only where {@link CudaDevice#probe()} finds a GPU; elsewhere the test is skipped with the reason. Public
 * for the bench module's GPU tests.
 */
public final class RequiresCuda implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        CudaDevice.Availability a = CudaDevice.probe();
        return a.available()
                ? ConditionEvaluationResult.enabled("CUDA: " + a.reason())
                : ConditionEvaluationResult.disabled("no CUDA here: " + a.reason());
    }
}
