package dev.eddy.topology;

import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message that hands a donor's model to a trial of another task (PBT's exploit across tasks), within what the
 * fan-out topic takes.
 */
final class Adoption {

    private static final Logger LOG = LoggerFactory.getLogger(Adoption.class);

    private Adoption() {}

    /**
     * The adoption of {@code state} by trial {@code trial} under {@code config}; when that message would be larger than
     * {@code maxBytes} ({@code snapshot.max-bytes}, the fan-out topic's and the producer's limit), one without the state:
     * the trial then continues its own model under {@code config} (an explore), and a warning names the sizes and the key
     * that raises the limit.
     */
    static SearchMessage.Adopt of(
            String modelId,
            int trial,
            int epoch,
            int generation,
            SortedMap<String, String> config,
            byte[] state,
            int maxBytes) {
        SearchMessage.Adopt adopt = new SearchMessage.Adopt(modelId, trial, epoch, generation, config, state);
        int size = adopt.encode().length;
        if (size <= maxBytes) {
            return adopt;
        }
        LOG.warn(
                "{}: the model for the exploit of trial {} is {} bytes, more than snapshot.max-bytes={}; the trial keeps"
                        + " its own weights under its new configuration (raise snapshot.max-bytes to copy them)",
                modelId,
                trial,
                size,
                maxBytes);
        return new SearchMessage.Adopt(modelId, trial, epoch, generation, config, new byte[0]);
    }
}
