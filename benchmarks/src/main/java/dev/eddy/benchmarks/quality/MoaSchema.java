package dev.eddy.benchmarks.quality;

import com.yahoo.labs.samoa.instances.Attribute;
import com.yahoo.labs.samoa.instances.DenseInstance;
import com.yahoo.labs.samoa.instances.Instance;
import com.yahoo.labs.samoa.instances.Instances;
import com.yahoo.labs.samoa.instances.InstancesHeader;
import dev.eddy.core.data.FileOrderStream;
import dev.eddy.core.data.LabeledRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A classification stream as MOA sees it: every feature a numeric attribute {@code x0 … x(d−1)}, then the label as a
 * nominal attribute {@code class} with the values {@code "0" … "K−1"} in that order, so MOA's class index k is Eddy's
 * class k (and MOA's votes index the same classes). Each instance has weight 1.
 */
final class MoaSchema {

    private final InstancesHeader header;
    private final int features;

    private MoaSchema(InstancesHeader header, int features) {
        this.header = header;
        this.features = features;
    }

    /**
     * @throws IllegalArgumentException if the stream is a regression stream
     */
    static MoaSchema of(FileOrderStream stream) {
        if (!stream.classification()) {
            throw new IllegalArgumentException(
                    stream.name() + " is a regression stream; the MOA peers need a classification stream");
        }
        List<Attribute> attributes = new ArrayList<>();
        for (int j = 0; j < stream.featureCount(); j++) {
            attributes.add(new Attribute("x" + j));
        }
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < stream.classes(); k++) {
            classes.add(Integer.toString(k));
        }
        attributes.add(new Attribute("class", classes));
        Instances data = new Instances(stream.name(), attributes, 0);
        data.setClassIndex(attributes.size() - 1);
        return new MoaSchema(new InstancesHeader(data), stream.featureCount());
    }

    InstancesHeader header() {
        return header;
    }

    /** The row as a MOA instance: its features, then its class index as the nominal value's index. */
    Instance instance(LabeledRow row) {
        double[] values = Arrays.copyOf(row.features(), features + 1);
        values[features] = row.classLabel();
        Instance instance = new DenseInstance(1.0, values);
        instance.setDataset(header);
        return instance;
    }
}
