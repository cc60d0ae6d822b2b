package org.lrid.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrid.LridException;

class ObservablesTest {

    @Test
    void theFortyFiveNamesInCanonicalOrder() {
        List<String> expected = new ArrayList<>();
        for (String m : List.of("weight", "act")) {
            for (String f : List.of("raw", "abs", "sq")) {
                for (String s :
                        List.of(
                                "norm",
                                "mean",
                                "median",
                                "thirdquartile",
                                "var",
                                "skew",
                                "kurtosis")) {
                    expected.add(m + f + "_" + s);
                }
            }
        }
        expected.addAll(List.of("gradavgraw_id", "gradavgabs_id", "gradavgsq_id"));
        assertEquals(expected, Observables.ALL);
        assertEquals(45, Observables.COUNT);
        assertEquals(45, Observables.ALL.stream().distinct().count());
        for (int i = 0; i < 45; i++) {
            assertEquals(i, Observables.index(Observables.ALL.get(i)));
        }
        assertEquals(-1, Observables.index("weightraw_mode"));
        assertEquals(
                List.of("weight", "act", "gradavg"),
                List.of(Measure.values()).stream().map(Measure::label).toList());
        assertEquals(
                List.of("raw", "abs", "sq"),
                List.of(Transform.values()).stream().map(Transform::label).toList());
        assertEquals("thirdquartile", Statistic.THIRDQUARTILE.label());
    }

    @Test
    void theTwentyFourAdmissibleInCanonicalOrder() {
        List<String> expected =
                List.of(
                        "weightraw_norm",
                        "weightraw_mean",
                        "weightraw_median",
                        "weightraw_thirdquartile",
                        "weightraw_var",
                        "weightabs_norm",
                        "weightabs_mean",
                        "weightabs_median",
                        "weightabs_thirdquartile",
                        "weightabs_var",
                        "weightsq_mean",
                        "weightsq_median",
                        "weightsq_thirdquartile",
                        "actraw_norm",
                        "actraw_mean",
                        "actraw_median",
                        "actraw_thirdquartile",
                        "actabs_norm",
                        "actabs_mean",
                        "actabs_median",
                        "actabs_thirdquartile",
                        "gradavgraw_id",
                        "gradavgabs_id",
                        "gradavgsq_id");
        assertEquals(expected, Observables.ADMISSIBLE);
        assertEquals(24, Observables.ADMISSIBLE.stream().distinct().count());
    }

    @Test
    void selections() {
        assertEquals(Observables.ADMISSIBLE, Observables.select("admissible"));
        assertEquals(Observables.ADMISSIBLE, Observables.select(null));
        assertEquals(Observables.ADMISSIBLE, Observables.select(" "));
        assertEquals(Observables.ALL, Observables.select("all"));
        assertEquals(13, Observables.select("weight").size());
        assertEquals(8, Observables.select("act").size());
        assertEquals(
                List.of("gradavgraw_id", "gradavgabs_id", "gradavgsq_id"),
                Observables.select("gradavg"));
        assertTrue(Observables.select("act").stream().allMatch(n -> n.startsWith("act")));
        // explicit names come back in canonical order, once
        assertEquals(
                List.of("weightraw_kurtosis", "actsq_median", "gradavgsq_id"),
                Observables.select(" gradavgsq_id,actsq_median , weightraw_kurtosis,actsq_median"));
        assertEquals(
                12,
                Observables.select("act,weightraw_skew,gradavg,actraw_norm").size()); // 8 + 1 + 3
        LridException e =
                assertThrows(LridException.class, () -> Observables.select("weight,actraw_mode"));
        assertTrue(e.getMessage().contains("actraw_mode"), e.getMessage());
        assertTrue(
                e.getMessage().contains("admissible") && e.getMessage().contains("gradavg"),
                e.getMessage());
        assertThrows(LridException.class, () -> Observables.measureOf("weightfoo"));
        assertEquals(Measure.GRADAVG, Observables.measureOf("gradavgabs_id"));
    }

    @Test
    void diagnosticsAreNeverSelectableAndNoObservableLooksLikeOne() {
        for (String d : org.lrid.store.DatasetSchema.DIAGNOSTICS) {
            for (String spec : List.of(d, "weight," + d, d + ",all")) {
                org.lrid.LridException e =
                        org.junit.jupiter.api.Assertions.assertThrows(
                                org.lrid.LridException.class, () -> Observables.select(spec));
                assertTrue(
                        e.getMessage().contains("'" + d + "' is a diagnostic")
                                && e.getMessage().contains("never a feature"),
                        e.getMessage());
            }
            assertEquals(-1, Observables.index(d));
        }
        assertEquals(Observables.DIAGNOSTIC_PREFIX, org.lrid.store.DatasetSchema.DIAGNOSTIC_PREFIX);
        assertTrue(
                Observables.ALL.stream()
                        .noneMatch(o -> o.startsWith(Observables.DIAGNOSTIC_PREFIX)));
        assertTrue(
                Observables.select("all").stream()
                        .noneMatch(org.lrid.store.DatasetSchema::isDiagnostic));
        assertTrue(
                Observables.select("admissible").stream()
                        .noneMatch(org.lrid.store.DatasetSchema::isDiagnostic));
    }
}
