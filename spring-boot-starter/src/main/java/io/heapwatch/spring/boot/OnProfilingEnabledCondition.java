package io.heapwatch.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches unless ENABLE_MEMORY_PROFILING (or heapwatch.profiling.enabled) is false. */
final class OnProfilingEnabledCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return HeapwatchConditions.outcome(context, HeapwatchSetting.PROFILING_ENABLED);
    }
}
