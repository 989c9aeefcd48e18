package io.heapwatch.spring.boot;

import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks heapwatch's credentials in Actuator's {@code env} and {@code configprops} endpoints, even where the
 * application shows values ({@code show-values}): the username, the password, its file and its hash, under their
 * properties ({@code heapwatch.metrics.password}), the contract's variables ({@code METRICS_AUTH_PASSWORD}) and Spring's
 * relaxed spellings of both.
 */
final class HeapwatchCredentialsSanitizer implements SanitizingFunction {

    private static final String[] SECRETS = {
        "metricsauthusername", "metricsauthpassword", "heapwatchmetricsusername", "heapwatchmetricspassword"
    };

    @Override
    public SanitizableData apply(SanitizableData data) {
        String key = data.getKey();
        if (key == null) {
            return data;
        }
        StringBuilder plain = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                plain.append(Character.toLowerCase(c));
            }
        }
        String normalized = plain.toString().toLowerCase(Locale.ROOT);
        for (String secret : SECRETS) {
            if (normalized.contains(secret)) {
                return data.withSanitizedValue();
            }
        }
        return data;
    }
}
