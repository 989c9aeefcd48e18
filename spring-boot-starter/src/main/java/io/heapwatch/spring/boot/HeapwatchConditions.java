package io.heapwatch.spring.boot;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.context.annotation.ConditionContext;

final class HeapwatchConditions {

    private HeapwatchConditions() {}

    static ConditionOutcome outcome(ConditionContext context, HeapwatchSetting flag) {
        ConditionMessage.Builder message =
                ConditionMessage.forCondition("heapwatch " + flag.environmentVariable() + " / " + flag.property());
        return HeapwatchConfigFactory.enabled(context.getEnvironment(), flag)
                ? ConditionOutcome.match(message.because("enabled"))
                : ConditionOutcome.noMatch(message.because("set to false"));
    }
}
