package org.lrid.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrid.LridException;

/** The hyperparameter table: validation, canonical keys, which rules take what, what is stored. */
class HyperparameterTest {

    /** A registered rule the hyperparameter applies to. */
    private static LearningRule ruleTaking(Hyperparameter h) {
        return Rules.all().stream().filter(h::appliesTo).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @EnumSource(
            value = Hyperparameter.class,
            names = {
                "LR",
                "MOMENTUM",
                "BETA1",
                "BETA2",
                "EPS",
                "WEIGHT_DECAY",
                "WARMUP",
                "LR_DROP",
                "DECAY",
                "AMP",
                "NULL",
                "SPARSE",
                "SELF",
                "ALIGNMENT_MAX_STEP"
            })
    void everyNumberRefusesNonFiniteAndOutOfRangeValuesNamingKeyValueAndRange(Hyperparameter h) {
        assertEquals(Hyperparameter.Type.NUMBER, h.type());
        LearningRule rule = ruleTaking(h);
        List<Object> bad =
                new ArrayList<>(
                        List.of(
                                "NaN",
                                Double.NaN,
                                "Infinity",
                                Double.POSITIVE_INFINITY,
                                "-Infinity",
                                -1,
                                "fast",
                                1e13));
        for (Object value : bad) {
            String key =
                    value instanceof String s && s.equals("fast") ? h.key().toUpperCase() : h.key();
            LridException e =
                    assertThrows(
                            LridException.class,
                            () -> rule.withOverrides(Map.of(key, value)),
                            h.key() + "=" + value + " was accepted");
            assertTrue(e.getMessage().contains("'" + h.key() + "'"), e.getMessage());
            assertTrue(e.getMessage().contains(h.rangeText()), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(value)), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void momentumNaNIsRefusedAsTheIssueReports() {
        LridException e =
                assertThrows(
                        LridException.class,
                        () -> Rules.get("sgdm").withOverrides(Map.of("momentum", "NaN")));
        assertEquals(
                "hyperparameter 'momentum' must be a number in [0, 1), got 'NaN'", e.getMessage());
    }

    @Test
    void booleansChoicesAndFractionsAreChecked() {
        LearningRule ia = Rules.get("ia");
        assertThrows(LridException.class, () -> ia.withOverrides(Map.of("nesterov", "yes")));
        assertThrows(LridException.class, () -> ia.withOverrides(Map.of("lr_schedule", "linear")));
        assertThrows(LridException.class, () -> ia.withOverrides(Map.of("lr_drop_at", "0.75,0.5")));
        assertThrows(LridException.class, () -> ia.withOverrides(Map.of("lr_drop_at", "0.5,1")));
        assertThrows(LridException.class, () -> ia.withOverrides(Map.of("lr_drop_at", "")));
        LearningRule ok =
                ia.withOverrides(
                        Map.of(
                                "Nesterov",
                                "FALSE",
                                "LR_Schedule",
                                "Step",
                                "lr_drop_at",
                                List.of(0.3, 0.6)));
        assertEquals(false, ok.hyperparameters().get("nesterov"));
        assertEquals("step", ok.hyperparameters().get("lr_schedule"));
        assertEquals("0.3,0.6", ok.hyperparameters().get("lr_drop_at"));
        assertEquals(
                ok,
                ia.withOverrides(
                        Map.of(
                                "nesterov",
                                false,
                                "lr_schedule",
                                "step",
                                "lr_drop_at",
                                "[0.3, 0.6]")));
    }

    @Test
    void keysAreCaseInsensitiveAndStoredCanonically() {
        LearningRule upper = Rules.get("IA").withOverrides(Map.of("LR", "0.01", "Amp", 0.5));
        LearningRule lower = Rules.get("ia").withOverrides(Map.of("lr", 0.01, "amp", "0.5"));
        assertEquals(lower, upper);
        assertEquals(lower.hyperparametersJson(), upper.hyperparametersJson());
        assertEquals("ia", upper.name());
        for (String k : upper.hyperparameters().keySet()) {
            assertEquals(k.toLowerCase(), k);
        }
        Map<String, Object> twice = new LinkedHashMap<>();
        twice.put("lr", 0.1);
        twice.put("LR", 0.2);
        LridException e =
                assertThrows(LridException.class, () -> Rules.get("ia").withOverrides(twice));
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
    }

    @Test
    void eachRuleTakesExactlyTheKeysTheTableAppliesToIt() {
        assertEquals(
                List.of("lr", "weight_decay", "lr_schedule", "warmup", "lr_drop", "lr_drop_at"),
                Rules.get("sgd").overridableKeys());
        assertTrue(
                Rules.get("adam").overridableKeys().containsAll(List.of("beta1", "beta2", "eps")));
        assertFalse(Rules.get("adam").overridableKeys().contains("momentum"));
        assertTrue(
                Rules.get("fa")
                        .overridableKeys()
                        .containsAll(
                                List.of(
                                        "momentum",
                                        "nesterov",
                                        "amp",
                                        "alignment_bias",
                                        "normalize_input",
                                        "noise_input")));
        LridException e =
                assertThrows(
                        LridException.class,
                        () -> Rules.get("adam").withOverrides(Map.of("momentum", 0.5)));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "rule 'adam' has no hyperparameter 'momentum'; it takes: lr, beta1"),
                e.getMessage());
        for (LearningRule r : Rules.all()) {
            // every applicable key is stored with every run (weight decay once the family is known)
            String family = r.family() == CreditAssignment.Family.RECURRENT ? "rnn" : "mlp";
            List<String> stored = new ArrayList<>(r.forFamily(family).hyperparameters().keySet());
            assertEquals(r.overridableKeys(), stored, r.name());
        }
    }

    @Test
    void weightDecayIsResolvedPerFamilyUnlessSet() {
        LearningRule ia = Rules.get("ia");
        assertFalse(ia.isResolved());
        assertThrows(IllegalStateException.class, ia::weightDecay);
        assertEquals(Hyperparameter.weightDecayFor("mlp"), ia.forFamily("mlp").weightDecay());
        assertEquals(5e-4, ia.forFamily("convnet").weightDecay());
        assertEquals(1e-4, ia.forFamily("resnet").weightDecay());
        assertEquals(
                0.0,
                ia.withOverrides(Map.of("weight_decay", 0)).forFamily("convnet").weightDecay());
        for (String f : List.of("mlp", "convnet", "resnet")) {
            assertTrue(Hyperparameter.weightDecayFor(f) > 0, f);
        }
    }

    @Test
    void alignmentInputIsNormalisedOnTheConvFamiliesUnlessSet() {
        // aa sets it off everywhere (with it, aa stayed at chance on the convnet)
        assertFalse(Rules.get("aa").forFamily("convnet").alignment().normalizeInput());
        for (String name : List.of("ia", "sa")) {
            LearningRule r = Rules.get(name);
            assertFalse(r.forFamily("mlp").alignment().normalizeInput(), name);
            assertTrue(r.forFamily("convnet").alignment().normalizeInput(), name);
            assertTrue(r.forFamily("resnet").alignment().normalizeInput(), name);
            // a value set by the user wins over the family's, either way
            assertFalse(
                    r.withOverrides(Map.of("normalize_input", false))
                            .forFamily("convnet")
                            .alignment()
                            .normalizeInput(),
                    name);
            assertTrue(
                    r.withOverrides(Map.of("normalize_input", true))
                            .forFamily("mlp")
                            .alignment()
                            .normalizeInput(),
                    name);
            assertEquals(
                    true, r.forFamily("convnet").hyperparameters().get("normalize_input"), name);
        }
        // rules without alignment carry no such key
        assertFalse(
                Rules.get("sgdm")
                        .forFamily("convnet")
                        .hyperparameters()
                        .containsKey("normalize_input"));
    }

    @Test
    void theDefaultsAreTheReferencesWhereItHasOne() {
        LearningRule sgdm = Rules.get("sgdm");
        assertTrue(sgdm.optimizer().nesterov());
        assertEquals(0.9, sgdm.optimizer().momentum());
        LearningRule ia = Rules.get("ia");
        assertTrue(ia.alignment().bias());
        assertFalse(ia.forFamily("mlp").alignment().normalizeInput());
        assertTrue(ia.schedule().isConstant());
        // the reference's proportions within each rule
        Alignment a = ia.alignment();
        assertEquals(2.0, a.coefficient(Primitive.AMP) / a.coefficient(Primitive.NULL), 1e-12);
        assertEquals(1.0, a.coefficient(Primitive.DECAY) / a.coefficient(Primitive.NULL), 1e-12);
        Alignment sa = Rules.get("sa").alignment();
        assertEquals(2.0, sa.coefficient(Primitive.SELF) / sa.coefficient(Primitive.DECAY), 1e-12);
        Alignment aa = Rules.get("aa").alignment();
        assertEquals(2.0, aa.coefficient(Primitive.AMP) / aa.coefficient(Primitive.SPARSE), 1e-12);
        Alignment wm = Rules.get("wm").alignment();
        assertEquals(1.0, wm.coefficient(Primitive.AMP) / wm.coefficient(Primitive.DECAY), 1e-12);
    }
}
