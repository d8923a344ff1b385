package org.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceIdTest {
    @Test
    void twoPartIds_areNormalisedToMain() {
        assertThat(ResourceId.parse("patient:8f3c").toString()).isEqualTo("patient:8f3c:main");
        assertThat(ResourceId.parse("patient:8f3c:medications").child()).isEqualTo("medications");
        assertThat(ResourceId.parse("patient:8f3c")).isEqualTo(ResourceId.parse("patient:8f3c:main"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "patient", "patient:", ":8f3c", "Patient:8f3c", "patient:8f 3c", "patient:8f3c:Main",
            "patient:8f3c:meds:x", "patient:8f3c:", "pa tient:1", "patient:ü", "patient:1;drop", "patient:../1", "patient:1:\u0000"})
    void malformedIds_areRefused(String text) {
        assertThatThrownBy(() -> ResourceId.parse(text)).isInstanceOf(InvalidResourceIdException.class);
    }

    @Test
    void hugeIds_areRefused_withoutEchoingThem() {
        String huge = "patient:" + "a".repeat(100_000);
        assertThatThrownBy(() -> ResourceId.parse(huge)).isInstanceOf(InvalidResourceIdException.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(200));
    }

    @Test
    void canonicalForm_roundTrips_forRandomValidIds() {
        SplittableRandom random = new SplittableRandom(42);
        String lower = "abcdefghijklmnopqrstuvwxyz0123456789_-";
        String any = lower + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        for (int i = 0; i < 2_000; i++) {
            ResourceId id = new ResourceId(word(random, lower, 64), word(random, any, 128), word(random, lower, 64));
            assertThat(ResourceId.parse(id.toString())).isEqualTo(id);
        }
    }

    private static String word(SplittableRandom random, String alphabet, int max) {
        int length = random.nextInt(1, max + 1);
        var sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
