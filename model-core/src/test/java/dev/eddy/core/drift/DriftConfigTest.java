package dev.eddy.core.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftConfigTest {

    private static DriftConfig classification(String... keyValues) {
        return DriftConfig.parse(map(keyValues), false);
    }

    private static Map<String, String> map(String... keyValues) {
        java.util.HashMap<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static void refused(boolean regression, String message, String... keyValues) {
        assertThatThrownBy(() -> DriftConfig.parse(map(keyValues), regression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void defaultsAreAdwinForClassificationAndPageHinkleyForRegression() {
        assertThat(DriftConfig.defaults(false).settings()).contains(AdwinConfig.defaults());
        assertThat(DriftConfig.defaults(true).settings()).contains(PageHinkleyConfig.defaults());
        assertThat(DriftConfig.defaults(false).toProperties())
                .containsExactly(
                        Map.entry("drift.clock", "32"),
                        Map.entry("drift.delta", "0.002"),
                        Map.entry("drift.detector", "adwin"),
                        Map.entry("drift.min-window", "5"),
                        Map.entry("drift.warning-delta", "0.01"));
        assertThat(DriftConfig.defaults(true).toProperties())
                .containsEntry("drift.min-instances", "30")
                .containsEntry("drift.delta", "0.005")
                .containsEntry("drift.threshold", "50.0")
                .containsEntry("drift.alpha", "0.9999")
                .containsEntry("drift.warning-threshold", "25.0");
        assertThat(classification("drift.detector", "ddm").toProperties())
                .containsEntry("drift.warm-up", "30")
                .containsEntry("drift.warning-level", "2.0")
                .containsEntry("drift.drift-level", "3.0");
        assertThat(classification("drift.detector", "kswin").settings())
                .contains(new KswinConfig(0.005, 100, 30, 42, 0.05));
        assertThat(classification("drift.detector", "none").newDetector()).isEmpty();
    }

    @Test
    void theCanonicalPropertiesParseBackToTheSameConfiguration() {
        for (String detector : DriftConfig.DETECTORS) {
            DriftConfig c = classification("drift.detector", detector);
            assertThat(DriftConfig.parse(c.toProperties(), false)).isEqualTo(c);
            c.newDetector().ifPresent(d -> assertThat(d.name()).isEqualTo(detector));
        }
        DriftConfig custom = classification(
                "drift.detector", "kswin", "drift.window", " 200 ", "drift.stat-size", "50", "drift.seed", "-7");
        assertThat(custom.settings()).contains(new KswinConfig(0.005, 200, 50, -7, 0.05));
        assertThat(DriftConfig.parse(custom.toProperties(), true)).isEqualTo(custom);
    }

    @Test
    void anUnknownDetectorIsRefusedWithTheAllowedNames() {
        refused(
                false,
                "drift.detector must be one of [adwin, page-hinkley, ddm, kswin, none], got 'hddm'",
                "drift.detector",
                "hddm");
    }

    @Test
    void adwinAndDdmAreRefusedForRegression() {
        refused(
                true,
                "drift.detector=adwin is refused for regression (it takes values in [0, 1], a regression model's"
                        + " signal is its loss over its running mean); for regression use one of"
                        + " [page-hinkley, kswin, none]",
                "drift.detector",
                "adwin");
        refused(
                true,
                "drift.detector=ddm is refused for regression (it takes 0/1 errors, a regression model's signal is"
                        + " its loss over its running mean); for regression use one of [page-hinkley, kswin, none]",
                "drift.detector",
                "ddm");
    }

    @Test
    void onlyTheChosenDetectorsKeysAreAllowed() {
        refused(
                false,
                "key 'drift.window' does not apply with drift.detector=adwin; keys that apply: drift.clock,"
                        + " drift.delta, drift.min-window, drift.warning-delta",
                "drift.window",
                "50");
        refused(
                true,
                "key 'drift.clock' does not apply with drift.detector=page-hinkley; keys that apply: drift.alpha,"
                        + " drift.delta, drift.min-instances, drift.threshold, drift.warning-threshold",
                "drift.clock",
                "32");
        refused(
                false,
                "key 'drift.delta' does not apply with drift.detector=none; no drift.* key applies",
                "drift.detector",
                "none",
                "drift.delta",
                "0.1");
        refused(
                false,
                "unknown key 'drift.lambda'; drift keys: " + String.join(", ", DriftConfig.KEYS),
                "drift.lambda",
                "50");
    }

    @Test
    void outOfRangeValuesNameTheKeyAndTheAllowedRange() {
        refused(false, "drift.delta must be a number in (0, 1), got 0.0", "drift.delta", "0");
        refused(false, "drift.delta must be a number in (0, 1), got 'small'", "drift.delta", "small");
        refused(false, "drift.clock must be an integer >= 1, got 0", "drift.clock", "0");
        refused(false, "drift.min-window must be an integer >= 1, got '2.5'", "drift.min-window", "2.5");
        refused(
                false,
                "drift.warning-delta must be a number in (drift.delta = 0.002, 1), got 0.001",
                "drift.warning-delta",
                "0.001");
        refused(true, "drift.threshold must be a number > 0 (finite), got -1.0", "drift.threshold", "-1");
        refused(true, "drift.alpha must be a number in (0, 1], got 1.5", "drift.alpha", "1.5");
        refused(true, "drift.delta must be a number >= 0 (finite), got -0.1", "drift.delta", "-0.1");
        refused(true, "drift.min-instances must be an integer >= 1, got 0", "drift.min-instances", "0");
        refused(
                true,
                "drift.warning-threshold must be a number in (0, drift.threshold = 20.0), got 25.0",
                "drift.threshold",
                "20");
        refused(
                false,
                "drift.drift-level must be a number > drift.warning-level = 2.0 (finite), got 1.5",
                "drift.detector",
                "ddm",
                "drift.drift-level",
                "1.5");
        refused(false, "drift.warm-up must be an integer >= 1, got -3", "drift.detector", "ddm", "drift.warm-up", "-3");
        refused(
                true,
                "drift.window must be an integer in [2 × drift.stat-size = 60, 100000], got 30",
                "drift.detector",
                "kswin",
                "drift.window",
                "30");
        refused(
                true,
                "drift.window must be an integer in [2 × drift.stat-size = 200, 100000], got 100",
                "drift.detector",
                "kswin",
                "drift.stat-size",
                "100");
        refused(
                true,
                "drift.window must be an integer in [2 × drift.stat-size = 60, 100000], got '1e9'",
                "drift.detector",
                "kswin",
                "drift.window",
                "1e9");
        refused(
                true,
                "drift.window must be an integer in [2 × drift.stat-size = 60, 100000], got 100001",
                "drift.detector",
                "kswin",
                "drift.window",
                "100001");
        refused(true, "drift.alpha must be a number in (0, 1), got 0.0", "drift.detector", "kswin", "drift.alpha", "0");
        refused(
                true,
                "drift.warning-alpha must be a number in (drift.alpha = 0.1, 1), got 0.05",
                "drift.detector",
                "kswin",
                "drift.alpha",
                "0.1");
        refused(true, "drift.seed must be a 64-bit integer, got 'x'", "drift.detector", "kswin", "drift.seed", "x");
    }

    @Test
    void inputsOutsideADetectorsDomainAreRefused() {
        assertThatThrownBy(() -> AdwinConfig.defaults().newDetector().update(1.5))
                .hasMessage("adwin takes values in [0, 1] (0/1 errors), got 1.5");
        assertThatThrownBy(() -> DdmConfig.defaults().newDetector().update(0.5))
                .hasMessage("ddm takes 0/1 errors, got 0.5");
        assertThatThrownBy(() -> PageHinkleyConfig.defaults().newDetector().update(Double.NaN))
                .hasMessage("page-hinkley takes finite values, got NaN");
        assertThatThrownBy(() -> KswinConfig.defaults().newDetector().update(Double.POSITIVE_INFINITY))
                .hasMessage("kswin takes finite values, got Infinity");
    }

    @Test
    void aStateIsOnlyRestoredIntoItsOwnKindOfDetectorAndWhole() {
        byte[] adwin = AdwinConfig.defaults().newDetector().stateBytes();
        assertThatThrownBy(() -> DdmConfig.defaults().newDetector().restoreState(adwin))
                .isInstanceOf(IOException.class)
                .hasMessage("expected ddm state, found adwin state");
        byte[] longer = Arrays.copyOf(adwin, adwin.length + 3);
        assertThatThrownBy(() -> AdwinConfig.defaults().newDetector().restoreState(longer))
                .isInstanceOf(IOException.class)
                .hasMessage("adwin state has 3 unread bytes at its end");
        byte[] shorter = Arrays.copyOf(adwin, adwin.length - 1);
        assertThatThrownBy(() -> AdwinConfig.defaults().newDetector().restoreState(shorter))
                .isInstanceOf(IOException.class);
        byte[] kswin = KswinConfig.defaults().newDetector().stateBytes();
        byte[] futureVersion = kswin.clone();
        futureVersion[2 + "kswin".length() + 3] = 9; // the int after the tag
        assertThatThrownBy(() -> KswinConfig.defaults().newDetector().restoreState(futureVersion))
                .isInstanceOf(IOException.class)
                .hasMessage("kswin state has format version 9, this build reads version 1");
    }
}
