package dev.eddy.topology;

import dev.eddy.config.EddyConfig;
import dev.eddy.core.train.TrainerConfig;
import java.util.Map;

/** Test helpers around {@link EddyConfig}. */
final class EddyConfigs {

    private EddyConfigs() {}

    static TrainerConfig model(Map<String, String> settings, String id) {
        return EddyConfig.of(settings).models().get(id);
    }
}
