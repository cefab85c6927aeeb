package dev.eddy.cli;

import dev.eddy.core.data.BundledDataset;
import picocli.CommandLine;

/** {@code --dataset NAME} for the bundled datasets, spelled as everywhere: {@code breast-cancer}. */
public final class BundledDatasetConverter implements CommandLine.ITypeConverter<BundledDataset> {

    @Override
    public BundledDataset convert(String name) {
        try {
            return BundledDataset.named(name);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
