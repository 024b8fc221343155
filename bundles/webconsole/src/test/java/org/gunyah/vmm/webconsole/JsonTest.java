package org.gunyah.vmm.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void valuesAreWrittenAsJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", List.of(List.of("1", "vcpu"), List.of()));
        m.put("n", 3);
        m.put("ok", true);
        m.put("none", null);

        assertEquals("{\"rows\":[[\"1\",\"vcpu\"],[]],\"n\":3,\"ok\":true,\"none\":null}", Json.write(m));
    }

    @Test
    void stringsAreEscapedSoThatNoMarkupOrQuoteEscapes() {
        assertEquals("\"a\\\"b\\\\c\\n\\u003cscript\\u003e\\u0026\"", Json.write("a\"b\\c\n<script>&"));
    }
}
