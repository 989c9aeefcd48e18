package io.heapwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The guard that checks every test class's output for secrets is itself active and effective. */
class SecretsGuardTest {

    @Test
    void stderrIsCapturedForTheWholeSuite() {
        int mark = OutputCapture.mark();
        System.err.println("secrets-guard probe line");
        assertThat(OutputCapture.linesContaining(mark, "secrets-guard probe line"))
                .isEqualTo(1);
    }

    @Test
    void aRegisteredSecretIsCaughtWithoutBeingPrinted() {
        SecretsGuard.register("guard-self-test-secret-5b1e");
        assertThat(SecretsGuard.size()).isGreaterThanOrEqualTo(3);
        assertThatThrownBy(() -> SecretsGuard.assertAbsent("a probe", "prefix guard-self-test-secret-5b1e suffix"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("a configured secret appeared in a probe");
        SecretsGuard.assertAbsent("a probe", "nothing to see");
    }
}
