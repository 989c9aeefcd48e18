package io.heapwatch.diagnosis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonNumberTest {

    @ParameterizedTest
    @CsvSource({
        "409070.0, 409070",
        "400000.0, 400000",
        "1200.0, 1200",
        "40907.32, 40907.3",
        "0.5, 0.5",
        "1.0, 1",
        "100.25, 100.25",
        "0.0, 0",
        "-2500.0, -2500",
        "1.5E7, 1.5e+07",
        "1.0E7, 1e+07",
        "1.0E-5, 1e-05",
        "123456789.0, 1.23457e+08"
    })
    void keepsEveryDigitThatCarriesValue(double value, String written) {
        assertEquals(written, Json.number(value));
        assertEquals(value, Double.parseDouble(written), Math.abs(value) * 1e-5);
    }

    @Test
    void nonFiniteIsNull() {
        Json json = new Json();
        assertEquals("null", json.value(Double.NaN).toString());
    }
}
