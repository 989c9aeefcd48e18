package io.heapwatch.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapwatch.endpoint.BasicAuthenticator.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BasicAuthenticatorTest {

    private final BasicAuthenticator auth = new BasicAuthenticator("prom", "s3cret");

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static String basicBytes(byte[] raw) {
        return "Basic " + Base64.getEncoder().encodeToString(raw);
    }

    @Test
    void rightCredentialsAuthenticate() {
        assertThat(auth.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void schemeIsCaseInsensitiveAndMaySpanSeveralSpaces() {
        String token = basic("prom:s3cret").substring("Basic ".length());
        assertThat(auth.authenticate("basic " + token)).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(auth.authenticate("BASIC   " + token)).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void passwordMayContainColons() {
        BasicAuthenticator colons = new BasicAuthenticator("u", "a:b:c");
        assertThat(colons.authenticate(basic("u:a:b:c"))).isEqualTo(Outcome.AUTHENTICATED);
        assertThat(colons.authenticate(basic("u:a:b"))).isEqualTo(Outcome.BAD_CREDENTIALS);
    }

    @Test
    void unicodeCredentialsAuthenticateAsUtf8() {
        BasicAuthenticator unicode = new BasicAuthenticator("jürgen", "pässwörd✓");
        assertThat(unicode.authenticate(basic("jürgen:pässwörd✓"))).isEqualTo(Outcome.AUTHENTICATED);
    }

    @Test
    void missingHeaderIsMissing() {
        assertThat(auth.authenticate((String) null)).isEqualTo(Outcome.MISSING);
        assertThat(auth.authenticate(Collections.emptyEnumeration())).isEqualTo(Outcome.MISSING);
    }

    @Test
    void repeatedHeadersAreMalformedEvenIfOneIsRight() {
        assertThat(auth.authenticate(Collections.enumeration(List.of(basic("prom:s3cret"), basic("prom:s3cret")))))
                .isEqualTo(Outcome.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Basic",
                "Basic ",
                "Basic    ",
                "Bearer abc",
                "Digest username=\"prom\"",
                "Basicabc",
                "Basic !!!notbase64",
                "Basic cHJvbTpzM2NyZXQ=extra",
                "Basic cHJvbQ==",
                "Basic cHJvbTpz M2NyZXQ=",
                " Basic cHJvbTpzM2NyZXQ=",
                "Basic\tcHJvbTpzM2NyZXQ=",
                "Basic cHJvbTpzM2NyZXQ=="
            })
    void malformedHeadersAreMalformed(String header) {
        assertThat(auth.authenticate(header)).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void oversizedHeaderIsMalformedEvenWithRightCredentialsInside() {
        String huge = basic("prom:s3cret" + "x".repeat(2000));
        assertThat(auth.authenticate(huge)).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void nonUtf8BytesAreMalformed() {
        byte[] raw = {'p', 'r', 'o', 'm', ':', (byte) 0xC3, (byte) 0x28};
        assertThat(auth.authenticate(basicBytes(raw))).isEqualTo(Outcome.MALFORMED);
    }

    @Test
    void controlCharactersInsideCredentialsAreMalformed() {
        assertThat(auth.authenticate(basic("prom:s3cret\u0000"))).isEqualTo(Outcome.MALFORMED);
        assertThat(auth.authenticate(basic("prom\n:s3cret"))).isEqualTo(Outcome.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "prom:wrong",
                "other:s3cret",
                "prom:",
                ":s3cret",
                ":",
                "prom:s3cre",
                "prom:s3cret ",
                "prom :s3cret",
                "pro:s3cret",
                "promx:s3cret",
                "prom:S3CRET",
                "PROM:s3cret",
                "prom:s3cretx",
                "prom%3As3cret:s3cret"
            })
    void wrongCredentialsAreBadCredentials(String credentials) {
        assertThat(auth.authenticate(basic(credentials))).isEqualTo(Outcome.BAD_CREDENTIALS);
    }

    @Test
    void unconfiguredAuthenticatorRefusesEverythingAsNotConfigured() {
        BasicAuthenticator none = new BasicAuthenticator(null, null);
        assertThat(none.configured()).isFalse();
        assertThat(none.authenticate(basic("prom:s3cret"))).isEqualTo(Outcome.NOT_CONFIGURED);
        assertThat(none.authenticate((String) null)).isEqualTo(Outcome.NOT_CONFIGURED);
        assertThat(none.authenticate(basic(":"))).isEqualTo(Outcome.NOT_CONFIGURED);
    }

    @Test
    void reasonTagValuesAreLowerCase() {
        assertThat(Outcome.BAD_CREDENTIALS.reason()).isEqualTo("bad_credentials");
    }
}
