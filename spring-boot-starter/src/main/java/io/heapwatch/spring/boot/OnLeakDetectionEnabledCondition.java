package io.heapwatch.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches unless HEAPWATCH_LEAK_DETECTION (or heapwatch.leak.enabled) is false. */
final class OnLeakDetectionEnabledCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return HeapwatchConditions.outcome(context, HeapwatchSetting.LEAK_ENABLED);
    }
}
